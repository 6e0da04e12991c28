// Shown instead of the messages for a new chat: what to do next, depending on whether a model
// is loading, missing, or ready (with a story hint in completion mode), plus starter prompts.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Item {
    id: empty
    objectName: "emptyState"
    signal suggestionChosen(string text)
    signal importRequested()
    signal catalogRequested()

    readonly property bool noModel: models.count === 0
    readonly property var suggestions: chat.completionMode
        ? [qsTr("Once upon a time"), qsTr("The old lighthouse keeper opened the door and"), qsTr("In a small village by the sea,")]
        : [qsTr("Explain mixture-of-experts models in simple terms"), qsTr("Write a haiku about the sea"), qsTr("Give me three ideas for a weekend project")]

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 48, 560)
        spacing: 14

        Rectangle {
            Layout.alignment: Qt.AlignHCenter
            width: 56; height: 56; radius: 16
            color: Theme.accentSoft
            Label { anchors.centerIn: parent; text: "T"; font.pixelSize: 28; font.bold: true; color: Theme.accent }
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: empty.noModel ? qsTr("No model installed")
                  : !chat.modelReady ? (chat.modelLoading ? qsTr("Loading the model…")
                                                                                                     : qsTr("Choose a model to start"))
                  : qsTr("Start typing…")
            font.pixelSize: Theme.fontTitle + 2
            font.bold: true
            color: Theme.text
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            color: Theme.textMuted
            text: empty.noModel
                  ? qsTr("Download one from the catalog, import a .gguf model file, or drop one onto this window. Everything runs on this computer.")
                  : chat.completionMode
                    ? qsTr("%1 has no chat template, so it runs in completion mode: it continues your text like a story. Write the first words and let it carry on.")
                      .arg(chat.modelName !== "" ? chat.modelName : qsTr("This model"))
                    : qsTr("Ask anything. Your messages and the answers stay on this computer.")
        }
        RowLayout {
            visible: empty.noModel
            Layout.alignment: Qt.AlignHCenter
            spacing: 8
            TButton {
                objectName: "browseModelsButton"
                text: qsTr("Browse models…")
                primary: true
                onClicked: empty.catalogRequested()
            }
            TButton {
                text: qsTr("Import .gguf…")
                onClicked: empty.importRequested()
            }
        }
        ColumnLayout {
            visible: !empty.noModel
            Layout.alignment: Qt.AlignHCenter
            Layout.topMargin: 6
            spacing: 8
            Repeater {
                model: empty.suggestions
                TButton {
                    Layout.alignment: Qt.AlignHCenter
                    required property string modelData
                    text: modelData
                    enabled: chat.modelReady
                    compact: true
                    onClicked: empty.suggestionChosen(modelData)
                }
            }
        }
    }
}
