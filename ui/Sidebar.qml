// The left column: app name, New chat, search (full-text, bound to chat.searchQuery) and the
// conversations, most recent first. Rename/delete/export are per-row (ConversationItem).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Rectangle {
    id: sidebar
    color: Theme.sidebar

    signal newChatRequested()
    signal statsRequested()
    signal exportRequested(var conversationId, string format, string title)

    function focusSearch() {
        search.forceActiveFocus()
        search.selectAll()
    }
    function confirmDelete(id, title) {
        deleteDialog.conversationId = id
        deleteDialog.conversationTitle = title
        deleteDialog.open()
    }

    readonly property bool searching: chat.searchQuery.trim() !== ""

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 4
            spacing: 8
            Rectangle {
                width: 26; height: 26; radius: 7
                color: Theme.accent
                Label {
                    anchors.centerIn: parent
                    text: "T"
                    color: Theme.accentText
                    font.bold: true
                    font.pixelSize: 15
                }
            }
            Label {
                text: "Tern"
                font.pixelSize: Theme.fontLarge + 2
                font.bold: true
                color: Theme.text
            }
            Item { Layout.fillWidth: true }
        }

        TButton {
            objectName: "newChatButton"
            Layout.fillWidth: true
            text: qsTr("+  New chat")
            primary: true
            tip: qsTr("Start a new conversation (Ctrl+N)")
            onClicked: sidebar.newChatRequested()
        }

        TextField {
            id: search
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search chats  (Ctrl+F)")
            placeholderTextColor: Theme.textFaint
            color: Theme.text
            text: chat.searchQuery
            selectByMouse: true
            rightPadding: clearSearch.visible ? clearSearch.width + 8 : 10
            leftPadding: 10
            onTextEdited: chat.searchQuery = text
            Keys.onEscapePressed: (event) => {
                if (text !== "") { chat.searchQuery = ""; event.accepted = true }
                else event.accepted = false
            }
            background: Rectangle {
                implicitHeight: 34
                radius: Theme.radius
                color: Theme.surface
                border.color: search.activeFocus ? Theme.accent : Theme.border
                border.width: search.activeFocus ? 2 : 1
            }
            TButton {
                id: clearSearch
                anchors.right: parent.right
                anchors.rightMargin: 4
                anchors.verticalCenter: parent.verticalCenter
                visible: search.text !== ""
                text: "✕"
                subtle: true
                compact: true
                tip: qsTr("Clear search")
                onClicked: chat.searchQuery = ""
            }
        }

        Label {
            Layout.leftMargin: 6
            Layout.topMargin: 4
            text: sidebar.searching ? qsTr("Search results") : qsTr("Chats")
            font.pixelSize: Theme.fontSmall
            font.bold: true
            color: Theme.textMuted
        }

        ListView {
            id: list
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 2
            model: chat.conversations
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            delegate: ConversationItem {
                width: ListView.view.width
                onDeleteRequested: (id, title) => sidebar.confirmDelete(id, title)
                onExportRequested: (id, format, title) => sidebar.exportRequested(id, format, title)
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - 24
                visible: list.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: Theme.textFaint
                text: sidebar.searching ? qsTr("No chats match “%1”.").arg(chat.searchQuery)
                                        : qsTr("No chats yet.\nYour conversations will appear here.")
            }
        }

        TButton {
            objectName: "sidebarStatsButton"
            Layout.fillWidth: true
            text: qsTr("Speed & stats")
            subtle: true
            tip: qsTr("Which model and backend is fastest on this machine")
            onClicked: sidebar.statsRequested()
        }

        Label {
            Layout.fillWidth: true
            Layout.leftMargin: 6
            text: qsTr("Tern %1 · runs offline").arg(gui.version)
            font.pixelSize: Theme.fontSmall - 1
            color: Theme.textFaint
            elide: Text.ElideRight
        }
    }

    ConfirmDialog {
        id: deleteDialog
        objectName: "deleteDialog"
        property var conversationId: 0
        property string conversationTitle: ""
        title: qsTr("Delete this chat?")
        message: qsTr("“%1” and all its messages will be deleted. This cannot be undone.").arg(conversationTitle)
        confirmText: qsTr("Delete")
        destructive: true
        onAccepted: chat.deleteConversation(conversationId)
    }
}
