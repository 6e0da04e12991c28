// One row of the sidebar: the title (inline rename on double-click or from the ⋯ menu), and
// below it the search snippet (matches in bold) or when it was last updated.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Item {
    id: item
    required property var conversationId
    required property string title
    required property var updated
    required property string snippet
    required property int index

    signal deleteRequested(var conversationId, string title)
    signal exportRequested(var conversationId, string format, string title)

    readonly property bool current: conversationId === chat.currentConversationId
    property bool editing: false

    implicitHeight: column.implicitHeight + 16

    function startRename() {
        editing = true
        editor.text = title
        editor.forceActiveFocus()
        editor.selectAll()
    }
    function finishRename(commit) {
        if (!editing) return
        editing = false
        if (commit && editor.text.trim() !== "" && editor.text !== title)
            chat.renameConversation(conversationId, editor.text)
    }
    // The store marks matches with U+0002 … U+0003; show them bold, everything else as plain text.
    function snippetHtml(s) {
        const esc = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        return esc.replace(/\u0002([^\u0002\u0003]*)\u0003/g, "<b>$1</b>").replace(/\n/g, " ")
    }
    function when(d) {
        if (!d || isNaN(d.getTime())) return ""
        const now = new Date()
        const days = Math.floor((new Date(now.getFullYear(), now.getMonth(), now.getDate()) -
                                 new Date(d.getFullYear(), d.getMonth(), d.getDate())) / 86400000)
        if (days <= 0) return Qt.formatTime(d, "hh:mm")
        if (days === 1) return qsTr("Yesterday")
        if (days < 7) return Qt.formatDate(d, "dddd")
        return Qt.formatDate(d, Qt.locale().dateFormat(Locale.ShortFormat))
    }

    Rectangle {
        anchors.fill: parent
        radius: Theme.radius
        color: item.current ? Theme.selected : hover.hovered ? Theme.hover : "transparent"
        Rectangle {
            visible: item.current
            width: 3; radius: 2
            anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 8 }
            color: Theme.accent
        }
    }

    HoverHandler { id: hover }
    TapHandler {
        enabled: !item.editing
        onTapped: chat.selectConversation(item.conversationId)
        onDoubleTapped: item.startRename()
    }
    TapHandler {
        acceptedButtons: Qt.RightButton
        onTapped: menu.popup()
    }

    ColumnLayout {
        id: column
        anchors.left: parent.left
        anchors.right: menuButton.left
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: 16
        anchors.rightMargin: 2
        spacing: 2

        Label {
            Layout.fillWidth: true
            visible: !item.editing
            text: item.title
            elide: Text.ElideRight
            color: Theme.text
            font.bold: item.current
            textFormat: Text.PlainText
        }
        TextField {
            id: editor
            objectName: "renameField"
            Layout.fillWidth: true
            visible: item.editing
            selectByMouse: true
            color: Theme.text
            padding: 4
            onAccepted: item.finishRename(true)
            onActiveFocusChanged: if (!activeFocus) item.finishRename(true)
            Keys.onEscapePressed: item.finishRename(false)
            background: Rectangle {
                radius: 4
                color: Theme.surface
                border.color: Theme.accent
                border.width: 1
            }
        }
        Label {
            Layout.fillWidth: true
            visible: item.snippet !== "" || text !== ""
            text: item.snippet !== "" ? item.snippetHtml(item.snippet) : item.when(item.updated)
            textFormat: item.snippet !== "" ? Text.StyledText : Text.PlainText
            maximumLineCount: 2
            wrapMode: Text.Wrap
            elide: Text.ElideRight
            font.pixelSize: Theme.fontSmall
            color: Theme.textMuted
        }
    }

    TButton {
        id: menuButton
        anchors.right: parent.right
        anchors.rightMargin: 4
        anchors.verticalCenter: parent.verticalCenter
        text: "⋯"
        subtle: true
        compact: true
        opacity: hover.hovered || item.current || menu.visible ? 1 : 0
        tip: qsTr("Rename, export or delete")
        onClicked: menu.popup(menuButton, 0, menuButton.height)
    }

    TMenu {
        id: menu
        TMenuItem { text: qsTr("Rename"); onTriggered: item.startRename() }
        TMenuItem { text: qsTr("Export as Markdown…"); onTriggered: item.exportRequested(item.conversationId, "md", item.title) }
        TMenuItem { text: qsTr("Export as JSON…"); onTriggered: item.exportRequested(item.conversationId, "json", item.title) }
        MenuSeparator { contentItem: Rectangle { implicitHeight: 1; color: Theme.border } }
        TMenuItem {
            text: qsTr("Delete…")
            danger: true
            onTriggered: item.deleteRequested(item.conversationId, item.title)
        }
    }
}
