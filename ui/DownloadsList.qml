// Every download in `downloads` (running, queued, paused, failed, finished) with its progress and
// controls; shown on the Models page and in the header's downloads popup.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

ColumnLayout {
    id: list
    signal used()
    spacing: 10

    Label {
        visible: downloads.count === 0
        Layout.fillWidth: true
        text: qsTr("No downloads. Models you download from Discover show their progress here.")
        color: Theme.textMuted
        wrapMode: Text.Wrap
    }

    Repeater {
        model: downloads
        delegate: ColumnLayout {
            id: row
            // "id" and "state" cannot be property names here (the id attribute, Item.state).
            required property var model
            readonly property string dlId: model.id
            readonly property string dlState: model.state
            Layout.fillWidth: true
            spacing: 4

            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 0
                    Label {
                        Layout.fillWidth: true
                        text: row.dlId
                        font.bold: true
                        color: Theme.text
                        elide: Text.ElideMiddle
                    }
                    Label {
                        Layout.fillWidth: true
                        text: row.model.url
                        font.pixelSize: Theme.fontSmall - 1
                        color: Theme.textFaint
                        elide: Text.ElideMiddle
                    }
                }
                TButton {
                    visible: {
                        models.count  // installed models are listed once the registry has rescanned
                        return row.dlState === "done" && models.get(row.dlId).modelId !== undefined
                    }
                    text: chat.modelId === row.dlId ? qsTr("Go to chat") : qsTr("Use")
                    compact: true
                    primary: chat.modelId !== row.dlId
                    onClicked: {
                        if (chat.modelId !== row.dlId)
                            chat.selectModel(row.dlId)
                        list.used()
                    }
                }
            }
            DownloadStatus {
                Layout.fillWidth: true
                showFinished: true
                downloadId: row.dlId
                dl: ({ state: row.dlState, bytesDone: row.model.bytesDone, bytesTotal: row.model.bytesTotal,
                       progress: row.model.progress, speed: row.model.speed, eta: row.model.eta,
                       error: row.model.error, message: row.model.message })
            }
            Rectangle { Layout.fillWidth: true; Layout.topMargin: 6; height: 1; color: Theme.border }
        }
    }
}
