// One message. User messages: a right-aligned bubble with Copy and Edit (inline editor, then
// chat.editAndResend). Answers: Markdown on the page with the model's name, a typing indicator
// until the first token, the stats line, Copy and (last answer) Regenerate.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Item {
    id: bubble
    required property int index
    required property var messageId
    required property string role
    required property string text
    required property string status
    required property string model
    required property string stats
    required property bool malformed
    property bool isLast: false

    property bool editing: false
    readonly property bool isUser: role === "user"
    readonly property bool streaming: status === "generating"
    readonly property real columnWidth: Math.min(width - 48, Theme.contentMaxWidth)

    implicitHeight: body.implicitHeight + 10

    function startEdit() {
        editor.text = bubble.text
        editing = true
        editor.forceActiveFocus()
        editor.cursorPosition = editor.length
    }
    signal editSubmitted()
    function submitEdit() {
        if (chat.editAndResend(messageId, editor.text)) {
            editing = false
            editSubmitted()
        }
    }

    HoverHandler { id: hover }

    ColumnLayout {
        id: body
        x: (bubble.width - width) / 2
        width: bubble.columnWidth
        spacing: 4

        // ---- header: who wrote it ----
        RowLayout {
            Layout.fillWidth: true
            visible: !bubble.isUser
            spacing: 8
            Rectangle {
                width: 24; height: 24; radius: 12
                color: Theme.accentSoft
                Label { anchors.centerIn: parent; text: "T"; font.bold: true; color: Theme.accent; font.pixelSize: 12 }
            }
            Label {
                text: bubble.role !== "assistant" ? qsTr("System")
                      : bubble.model === chat.modelId && chat.modelName !== "" ? chat.modelName
                      : bubble.model !== "" ? bubble.model.replace(/\.gguf$/i, "") : qsTr("Assistant")
                font.pixelSize: Theme.fontSmall
                font.bold: true
                color: Theme.textMuted
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }

        // ---- user bubble ----
        Rectangle {
            visible: bubble.isUser && !bubble.editing
            Layout.alignment: Qt.AlignRight
            Layout.preferredWidth: Math.min(measure.implicitWidth + 2 * 14 + 2, bubble.columnWidth * 0.85)
            Layout.preferredHeight: userText.implicitHeight + 2 * 10
            radius: Theme.radiusLarge
            color: Theme.userBubble
            border.color: "#d9e1f2"
            Text { id: measure; visible: false; text: bubble.text; font: userText.font; textFormat: Text.PlainText }
            TextEdit {
                id: userText
                objectName: "userText"
                anchors.fill: parent
                anchors.margins: 10
                anchors.leftMargin: 14
                anchors.rightMargin: 14
                text: bubble.text
                textFormat: TextEdit.PlainText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: Theme.text
                selectionColor: Theme.accent
                selectedTextColor: Theme.accentText
                font.pixelSize: Theme.fontSize + 1
            }
        }

        // ---- inline editor for a user message ----
        Rectangle {
            visible: bubble.editing
            Layout.fillWidth: true
            Layout.preferredHeight: editCol.implicitHeight + 20
            radius: Theme.radiusLarge
            color: Theme.surface
            border.color: Theme.accent
            border.width: 2
            ColumnLayout {
                id: editCol
                anchors.fill: parent
                anchors.margins: 10
                spacing: 8
                TextArea {
                    id: editor
                    objectName: "editField"
                    Layout.fillWidth: true
                    wrapMode: TextEdit.Wrap
                    selectByMouse: true
                    color: Theme.text
                    font.pixelSize: Theme.fontSize + 1
                    background: null
                    function onEnter(event) {
                        if (event.modifiers & Qt.ShiftModifier) event.accepted = false
                        else bubble.submitEdit()
                    }
                    Keys.onReturnPressed: (event) => onEnter(event)
                    Keys.onEnterPressed: (event) => onEnter(event)
                    Keys.onEscapePressed: bubble.editing = false
                }
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Everything after this message will be replaced by a new answer.")
                        font.pixelSize: Theme.fontSmall
                        color: Theme.textMuted
                        elide: Text.ElideRight
                    }
                    TButton { text: qsTr("Cancel"); compact: true; onClicked: bubble.editing = false }
                    TButton {
                        objectName: "saveEditButton"
                        text: qsTr("Send")
                        primary: true
                        compact: true
                        enabled: chat.modelReady && !chat.generating && editor.text.trim() !== ""
                        onClicked: bubble.submitEdit()
                    }
                }
            }
        }

        // ---- assistant answer (Markdown) ----
        MarkdownView {
            id: answer
            objectName: "answerText"
            visible: !bubble.isUser && bubble.text !== ""
            Layout.fillWidth: true
            Layout.leftMargin: 32
            text: bubble.isUser ? "" : bubble.text
            textColor: bubble.malformed ? Theme.danger : Theme.text
        }

        // ---- typing indicator until the first token ----
        Row {
            visible: bubble.streaming && bubble.text === ""
            Layout.leftMargin: 32
            Layout.topMargin: 4
            spacing: 5
            Repeater {
                model: 3
                Rectangle {
                    required property int index
                    width: 8; height: 8; radius: 4
                    color: Theme.textFaint
                    SequentialAnimation on opacity {
                        loops: Animation.Infinite
                        running: bubble.streaming
                        PauseAnimation { duration: index * 160 }
                        NumberAnimation { to: 0.2; duration: 400 }
                        NumberAnimation { to: 1; duration: 400 }
                    }
                }
            }
        }

        Label {
            visible: bubble.malformed
            Layout.leftMargin: bubble.isUser ? 0 : 32
            Layout.alignment: bubble.isUser ? Qt.AlignRight : Qt.AlignLeft
            text: qsTr("This message could not be read from the chat history.")
            font.pixelSize: Theme.fontSmall
            color: Theme.danger
        }

        // ---- stats and actions ----
        RowLayout {
            visible: !bubble.editing
            Layout.fillWidth: true
            Layout.leftMargin: bubble.isUser ? 0 : 28
            spacing: 2

            Item { Layout.fillWidth: bubble.isUser; visible: bubble.isUser }

            Label {
                objectName: "statsLabel"
                visible: !bubble.isUser && text !== ""
                Layout.leftMargin: 4
                Layout.rightMargin: 8
                text: bubble.streaming
                      ? (chat.liveTokensPerSecond > 0 ? qsTr("Generating · %1 tokens/s").arg(chat.liveTokensPerSecond.toFixed(1))
                                                      : qsTr("Generating…"))
                      : bubble.stats
                font.pixelSize: Theme.fontSmall
                color: bubble.status === "error" || bubble.status === "interrupted" ? Theme.danger : Theme.textFaint
                elide: Text.ElideRight
                Layout.maximumWidth: bubble.columnWidth * 0.6
            }

            TButton {
                id: copyButton
                objectName: "copyButton"
                visible: !bubble.streaming && bubble.text !== ""
                property bool copied: false
                text: copied ? qsTr("Copied ✓") : qsTr("Copy")
                subtle: true
                compact: true
                tip: qsTr("Copy the message text")
                opacity: hover.hovered || bubble.isLast || copied ? 1 : 0.55
                onClicked: {
                    gui.copyToClipboard(bubble.text)
                    copied = true
                    copiedTimer.restart()
                }
                Timer { id: copiedTimer; interval: 1500; onTriggered: copyButton.copied = false }
            }
            TButton {
                objectName: "editButton"
                visible: bubble.isUser && !bubble.malformed
                enabled: !chat.generating && chat.modelReady
                text: qsTr("Edit")
                subtle: true
                compact: true
                tip: qsTr("Edit and send again")
                opacity: hover.hovered || bubble.isLast ? 1 : 0.55
                onClicked: bubble.startEdit()
            }
            TButton {
                objectName: "regenerateButton"
                visible: bubble.role === "assistant" && bubble.isLast && !bubble.streaming
                enabled: !chat.generating && chat.modelReady
                text: qsTr("↻ Regenerate")
                subtle: true
                compact: true
                tip: qsTr("Drop this answer and answer again")
                onClicked: chat.regenerate()
            }
            Item { Layout.fillWidth: !bubble.isUser; visible: !bubble.isUser }
        }
    }
}
