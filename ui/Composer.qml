// The input at the bottom: Enter sends, Shift+Enter adds a line; the button is Send, or Stop
// while an answer is generating (Esc stops too). Greyed out until a model is ready.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Rectangle {
    id: composer
    color: Theme.window
    implicitHeight: column.implicitHeight + 24

    function focusInput() { input.forceActiveFocus() }
    function setText(t) {
        input.text = t
        input.cursorPosition = input.length
        input.forceActiveFocus()
    }
    function send() {
        if (chat.generating || input.text.trim() === "") return
        if (chat.send(input.text))
            input.clear()
    }

    ColumnLayout {
        id: column
        x: (parent.width - width) / 2
        y: 8
        width: Math.min(parent.width - 48, Theme.contentMaxWidth)
        spacing: 6

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.max(52, Math.min(scroller.contentHeight + 20, 220))
            radius: Theme.radiusLarge
            color: input.enabled ? Theme.surface : Theme.disabledBg
            border.color: input.activeFocus ? Theme.accent : Theme.borderStrong
            border.width: input.activeFocus ? 2 : 1

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 6
                anchors.rightMargin: 8
                spacing: 8

                ScrollView {
                    id: scroller
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.topMargin: 4
                    Layout.bottomMargin: 4
                    ScrollBar.horizontal.policy: ScrollBar.AlwaysOff

                    TextArea {
                        id: input
                        objectName: "inputField"
                        enabled: chat.modelReady
                        wrapMode: TextEdit.Wrap
                        selectByMouse: true
                        color: Theme.text
                        font.pixelSize: Theme.fontSize + 1
                        placeholderTextColor: Theme.textFaint
                        placeholderText: !chat.modelReady
                            ? (models.count === 0 ? qsTr("Import a model to start chatting")
                                                  : qsTr("Waiting for the model to load…"))
                            : chat.completionMode ? qsTr("Begin a story for the model to continue…")
                                                  : qsTr("Message %1…").arg(chat.modelName !== "" ? chat.modelName : "Tern")
                        background: null
                        verticalAlignment: TextEdit.AlignVCenter

                        function onEnter(event) {
                            if (event.modifiers & (Qt.ShiftModifier | Qt.ControlModifier | Qt.AltModifier)) {
                                if (event.modifiers & Qt.ShiftModifier) {
                                    event.accepted = false   // Shift+Enter: a new line
                                } else {
                                    insert(cursorPosition, "\n")
                                    event.accepted = true
                                }
                                return
                            }
                            event.accepted = true
                            composer.send()
                        }
                        Keys.onReturnPressed: (event) => onEnter(event)
                        Keys.onEnterPressed: (event) => onEnter(event)
                    }
                }

                TButton {
                    id: sendButton
                    objectName: "sendButton"
                    Layout.alignment: Qt.AlignBottom
                    Layout.bottomMargin: 9
                    // Stop belongs to the conversation that is answering; another one waits for it.
                    readonly property bool busyElsewhere: chat.generating
                                                          && chat.generatingConversationId !== chat.currentConversationId
                    readonly property bool stopMode: chat.generating && !busyElsewhere
                    text: stopMode ? qsTr("■ Stop") : qsTr("Send ➤")
                    primary: !stopMode
                    danger: stopMode
                    enabled: stopMode || (!chat.generating && chat.modelReady && input.text.trim() !== "")
                    tip: stopMode ? qsTr("Stop generating (Esc)")
                                  : busyElsewhere ? qsTr("Another chat is being answered") : qsTr("Send (Enter)")
                    onClicked: stopMode ? chat.stop() : composer.send()
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 6
            Layout.rightMargin: 6
            Label {
                Layout.fillWidth: true
                text: sendButton.busyElsewhere ? qsTr("Another chat is being answered; you can send when it is done")
                      : chat.generating ? qsTr("Esc to stop") : qsTr("Enter to send · Shift+Enter for a new line")
                font.pixelSize: Theme.fontSmall
                color: Theme.textFaint
                elide: Text.ElideRight
            }
            Label {
                objectName: "liveTokensPerSecond"
                visible: chat.generating && !sendButton.busyElsewhere
                text: chat.liveTokensPerSecond > 0 ? qsTr("%1 tokens/s").arg(chat.liveTokensPerSecond.toFixed(1))
                                                   : qsTr("thinking…")
                font.pixelSize: Theme.fontSmall
                font.bold: true
                color: Theme.accent
            }
        }
    }
}
