// The model picker in the header: the loaded model (name, details, loading/error state) and a
// drop-down of the installed models with their architecture, tensor type, size and experts,
// plus "Import .gguf…" and "Browse models…" (the catalog page). Choosing one calls
// chat.selectModel(modelId).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

ComboBox {
    id: box
    objectName: "modelSelector"
    signal importRequested()
    signal catalogRequested()

    model: models
    textRole: "name"
    valueRole: "modelId"
    hoverEnabled: true
    implicitHeight: 44

    // "llama · TQ2_0 · 12.4 MB · 4 experts, 2 active · 18.0 M params"
    function details(arch, type, size, experts, used, params) {
        const parts = [arch, type]
        if (size > 0) parts.push(gui.fileSize(size))
        if (experts > 0) parts.push(qsTr("%1 experts, %2 active").arg(experts).arg(used))
        if (params > 0) parts.push(qsTr("%1 params").arg(gui.paramCount(params)))
        return parts.filter(p => p && p !== "").join(" · ")
    }
    readonly property bool loading: chat.modelLoading
    readonly property bool failed: chat.modelId !== "" && !chat.modelReady && !loading
    function sync() { currentIndex = indexOfValue(chat.modelId) }

    onActivated: (i) => {
        const id = valueAt(i)
        if (id !== chat.modelId || !chat.modelReady)
            chat.selectModel(id)
    }
    Component.onCompleted: Qt.callLater(sync)
    Connections { target: chat; function onModelChanged() { Qt.callLater(box.sync) } }
    Connections { target: models; function onCountChanged() { Qt.callLater(box.sync) } }

    // The roles of the selected model for the closed box (a ComboBox shows only textRole).
    property int infoRevision: 0
    Instantiator {
        id: infos
        model: models
        onObjectAdded: box.infoRevision++
        onObjectRemoved: box.infoRevision++
        delegate: QtObject {
            required property string modelId
            required property string architecture
            required property string tensorType
            required property var sizeBytes
            required property int experts
            required property int expertsUsed
            required property var paramsTotal
        }
    }
    readonly property var current: {
        infoRevision
        for (let i = 0; i < infos.count; ++i) {
            const o = infos.objectAt(i)
            if (o && o.modelId === chat.modelId) return o
        }
        return null
    }

    background: Rectangle {
        radius: Theme.radius
        color: box.down || box.popup.visible ? Theme.hover : box.hovered ? Theme.surfaceAlt : Theme.surface
        border.color: box.visualFocus ? Theme.accent : Theme.border
    }

    indicator: Label {
        x: box.width - width - 12
        y: (box.height - height) / 2
        text: "▾"
        color: Theme.textMuted
    }

    contentItem: RowLayout {
        spacing: 10
        Item { width: 2 }
        Rectangle {
            width: 9; height: 9; radius: 5
            color: chat.modelReady ? Theme.success : box.loading ? "#d08a00" : box.failed ? Theme.danger : Theme.borderStrong
            SequentialAnimation on opacity {
                running: box.loading
                loops: Animation.Infinite
                NumberAnimation { to: 0.25; duration: 500 }
                NumberAnimation { to: 1; duration: 500 }
                onRunningChanged: if (!running) parent.opacity = 1
            }
        }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.rightMargin: 24
            spacing: 0
            Label {
                Layout.fillWidth: true
                text: chat.modelName !== "" ? chat.modelName
                      : models.count > 0 ? qsTr("Choose a model") : qsTr("No models installed")
                font.bold: true
                color: Theme.text
                elide: Text.ElideRight
            }
            Label {
                Layout.fillWidth: true
                text: box.loading || box.failed ? chat.status
                      : box.current ? box.details(box.current.architecture, box.current.tensorType, box.current.sizeBytes,
                                                  box.current.experts, box.current.expertsUsed, 0)
                      : qsTr("Browse models or import a .gguf file")
                font.pixelSize: Theme.fontSmall - 1
                color: box.failed ? Theme.danger : Theme.textMuted
                elide: Text.ElideRight
            }
        }
    }

    delegate: ItemDelegate {
        id: row
        required property int index
        required property string modelId
        required property string name
        required property string architecture
        required property string tensorType
        required property var sizeBytes
        required property var paramsTotal
        required property int experts
        required property int expertsUsed
        required property bool completionMode
        width: ListView.view ? ListView.view.width : box.width
        highlighted: box.highlightedIndex === index
        hoverEnabled: true
        padding: 10
        background: Rectangle {
            radius: Theme.radius
            color: row.highlighted || row.hovered ? Theme.hover : "transparent"
        }
        contentItem: RowLayout {
            spacing: 10
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2
                Label {
                    Layout.fillWidth: true
                    text: row.name
                    font.bold: row.modelId === chat.modelId
                    color: Theme.text
                    elide: Text.ElideRight
                }
                Label {
                    Layout.fillWidth: true
                    text: row.modelId
                    font.pixelSize: Theme.fontSmall - 1
                    font.family: Theme.monoFamily
                    color: Theme.textFaint
                    elide: Text.ElideMiddle
                }
                Label {
                    Layout.fillWidth: true
                    text: box.details(row.architecture, row.tensorType, row.sizeBytes, row.experts, row.expertsUsed,
                                      row.paramsTotal)
                    font.pixelSize: Theme.fontSmall
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                }
                Label {
                    visible: row.completionMode
                    text: qsTr("completion mode (no chat template)")
                    font.pixelSize: Theme.fontSmall - 1
                    color: Theme.warning
                }
            }
            Label {
                visible: row.modelId === chat.modelId
                text: "✓"
                color: Theme.accent
                font.pixelSize: Theme.fontLarge
            }
        }
    }

    popup: Popup {
        y: box.height + 4
        width: Math.max(box.width, 440)
        x: box.width - width
        padding: 6
        implicitHeight: Math.min(contentItem.implicitHeight + topPadding + bottomPadding, 460)
        background: Rectangle {
            radius: Theme.radiusLarge
            color: Theme.surface
            border.color: Theme.border
        }
        contentItem: ColumnLayout {
            spacing: 6
            Label {
                Layout.leftMargin: 8
                Layout.topMargin: 4
                text: qsTr("Installed models")
                font.pixelSize: Theme.fontSmall
                font.bold: true
                color: Theme.textMuted
            }
            ListView {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredHeight: contentHeight
                clip: true
                model: box.popup.visible ? box.delegateModel : null
                currentIndex: box.highlightedIndex
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {}
            }
            Label {
                visible: models.count === 0
                Layout.margins: 8
                text: qsTr("No models yet.")
                color: Theme.textMuted
            }
            Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
            TButton {
                objectName: "importButtonInPopup"
                Layout.fillWidth: true
                text: qsTr("Import .gguf…")
                subtle: true
                onClicked: {
                    box.popup.close()
                    box.importRequested()
                }
            }
            TButton {
                objectName: "browseModelsInPopup"
                Layout.fillWidth: true
                text: qsTr("Browse models…")
                subtle: true
                onClicked: {
                    box.popup.close()
                    box.catalogRequested()
                }
            }
        }
    }
}
