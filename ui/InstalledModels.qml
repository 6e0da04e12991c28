// The models in the models folder (the `models` registry): name, file, architecture, type and
// size, with Use and Delete. Delete asks first, saying how much space it frees; the model in use
// is refused by chat.deleteModel and the reason is shown.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

ColumnLayout {
    id: installed
    objectName: "installedModels"
    signal used()
    signal importRequested()
    signal messageRequested(string title, string text)
    readonly property bool dialogOpen: confirm.visible
    spacing: 12

    // Total size on disk, re-read when the list changes.
    property int revision: 0
    Connections {
        target: models
        function onCountChanged() { installed.revision++ }
        function onModelReset() { installed.revision++ }
    }
    readonly property real totalBytes: {
        revision
        let sum = 0
        for (let i = 0; i < sizes.count; ++i) {
            const o = sizes.objectAt(i)
            if (o) sum += Number(o.sizeBytes)
        }
        return sum
    }
    Instantiator {
        id: sizes
        model: models
        onObjectAdded: installed.revision++
        onObjectRemoved: installed.revision++
        delegate: QtObject { required property var sizeBytes }
    }

    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: models.count === 0 ? qsTr("No models installed yet. Download one from Discover, or import a .gguf file.")
                  : (models.count === 1 ? qsTr("1 model installed, %1 on disk")
                                       : qsTr("%1 models installed, %2 on disk").arg(models.count)).arg(gui.fileSize(installed.totalBytes))
            color: Theme.textMuted
            wrapMode: Text.Wrap
            Layout.fillHeight: true
            verticalAlignment: Text.AlignVCenter
        }
        TButton {
            objectName: "importButtonInModels"
            text: qsTr("Import .gguf…")
            onClicked: installed.importRequested()
        }
    }

    Repeater {
        model: models
        delegate: Rectangle {
            id: row
            required property string modelId
            required property string name
            required property string architecture
            required property string tensorType
            required property var sizeBytes
            required property var paramsTotal
            required property int experts
            required property int expertsUsed
            required property bool completionMode
            readonly property bool inUse: chat.modelId === modelId
            objectName: "installedModel-" + modelId
            Layout.fillWidth: true
            implicitHeight: rowLayout.implicitHeight + 24
            radius: Theme.radiusLarge
            color: Theme.surface
            border.color: Theme.border

            RowLayout {
                id: rowLayout
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 16 }
                spacing: 10
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 2
                    Flow {
                        id: nameFlow
                        Layout.fillWidth: true
                        spacing: 8
                        Label {
                            width: Math.min(implicitWidth, nameFlow.width)
                            text: row.name
                            font.bold: true
                            color: Theme.text
                            textFormat: Text.PlainText
                            elide: Text.ElideRight
                        }
                        Badge { visible: row.inUse; kind: "success"; text: qsTr("In use") }
                        Badge { visible: row.completionMode; text: qsTr("completion mode") }
                    }
                    Label {
                        Layout.fillWidth: true
                        text: row.modelId
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.fontSmall - 1
                        color: Theme.textFaint
                        elide: Text.ElideMiddle
                    }
                    Label {
                        Layout.fillWidth: true
                        text: {
                            const p = [row.architecture, row.tensorType, gui.fileSize(row.sizeBytes)]
                            if (row.experts > 0) p.push(qsTr("%1 experts, %2 active").arg(row.experts).arg(row.expertsUsed))
                            if (row.paramsTotal > 0) p.push(qsTr("%1 params").arg(gui.paramCount(row.paramsTotal)))
                            return p.filter(s => s && s !== "").join(" · ")
                        }
                        font.pixelSize: Theme.fontSmall
                        color: Theme.textMuted
                        elide: Text.ElideRight
                    }
                }
                TButton {
                    objectName: "useInstalledButton-" + row.modelId
                    text: row.inUse ? qsTr("Go to chat") : qsTr("Use")
                    primary: !row.inUse
                    onClicked: {
                        if (!row.inUse)
                            chat.selectModel(row.modelId)
                        installed.used()
                    }
                }
                TButton {
                    objectName: "deleteModelButton-" + row.modelId
                    text: qsTr("Delete")
                    subtle: true
                    tip: row.inUse ? qsTr("In use: choose another model before deleting this one")
                                   : qsTr("Delete the file from the models folder")
                    onClicked: {
                        confirm.modelId = row.modelId
                        confirm.message = qsTr("Delete %1 (%2)? This frees %2.").arg(row.name).arg(gui.fileSize(row.sizeBytes))
                                          + "\n\n" + qsTr("The file %1 is removed from the models folder.").arg(row.modelId)
                        confirm.open()
                    }
                }
            }
        }
    }

    ConfirmDialog {
        id: confirm
        objectName: "deleteModelDialog"
        property string modelId: ""
        title: qsTr("Delete model?")
        confirmText: qsTr("Delete")
        destructive: true
        onAccepted: {
            const error = chat.deleteModel(modelId)
            if (error !== "")
                installed.messageRequested(qsTr("Could not delete the model"), error)
        }
    }
}
