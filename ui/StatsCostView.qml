// The cost view: what each installed model costs to run. Parameter count alone no longer says
// it: a ternary MoE holds many parameters at ~2 bits and reads only its active experts per
// token. Per model: total and active parameters, bits per weight (all tensors, each type
// weighted by its size; per type in the tooltip), weight bytes read per decoded token and the
// memory its weights take (and the peak measured while it ran). A scatter of the measured
// decode tokens/s against weight bytes per token (or total parameters).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import QtCharts
import "."

ColumnLayout {
    id: view
    objectName: "costView"
    spacing: 10
    property string axis: "bytes"   // "bytes": weight bytes per token; "params": total parameters

    function rebuild() {
        scatter.removeAllSeries()
        let maxX = 0, maxY = 0
        const points = stats.costPoints
        for (let i = 0; i < points.length; ++i) {
            const p = points[i]
            const x = view.axis === "bytes" ? p.weightBytesPerToken / 1e6 : p.paramsTotal / 1e6
            const s = scatter.createSeries(ChartView.SeriesTypeScatter, p.label, costX, costY)
            s.markerSize = 12
            s.color = Theme.chartColors[i % Theme.chartColors.length]
            s.borderColor = s.color
            s.append(x, p.decodeTps)
            maxX = Math.max(maxX, x)
            maxY = Math.max(maxY, p.decodeTps)
        }
        costX.max = maxX > 0 ? maxX * 1.15 : 1
        costY.max = maxY > 0 ? maxY * 1.15 : 1
    }
    Connections { target: stats; function onCostChanged() { view.rebuild() } }
    onAxisChanged: rebuild()
    Component.onCompleted: rebuild()

    readonly property var columns: [
        { title: qsTr("Model"), width: 3 }, { title: qsTr("Type"), width: 1 },
        { title: qsTr("Parameters\ntotal"), width: 1.1 }, { title: qsTr("Parameters\nactive"), width: 1.1 },
        { title: qsTr("Bits per\nweight"), width: 1 }, { title: qsTr("Weight bytes\nper token"), width: 1.2 },
        { title: qsTr("Weights in\nmemory"), width: 1.1 }, { title: qsTr("Peak memory\nmeasured"), width: 1.2 }
    ]
    readonly property real unit: width / 10.7

    Rectangle {
        Layout.fillWidth: true
        implicitHeight: 44
        color: Theme.surfaceAlt
        radius: Theme.radius
        Row {
            anchors.fill: parent
            Repeater {
                model: view.columns
                delegate: Text {
                    required property var modelData
                    width: modelData.width * view.unit
                    height: 44
                    leftPadding: 8
                    text: modelData.title
                    font.pixelSize: Theme.fontSmall
                    font.bold: true
                    color: Theme.textMuted
                    verticalAlignment: Text.AlignVCenter
                }
            }
        }
    }
    Repeater {
        objectName: "costRows"
        model: stats.costModels
        delegate: Rectangle {
            id: costRow
            required property var modelData
            required property int index
            Layout.fillWidth: true
            implicitHeight: 34
            color: index % 2 ? Theme.surfaceAlt : Theme.surface
            HoverHandler { id: hover }
            ToolTip.visible: hover.hovered && modelData.bitsPerWeightByType !== ""
            ToolTip.text: qsTr("Bits per weight by tensor type: %1").arg(modelData.bitsPerWeightByType)
            Row {
                anchors.fill: parent
                Repeater {
                    model: [costRow.modelData.modelId, costRow.modelData.tensorType,
                            gui.paramCount(costRow.modelData.paramsTotal), gui.paramCount(costRow.modelData.paramsActive),
                            costRow.modelData.bitsPerWeight > 0 ? costRow.modelData.bitsPerWeight.toFixed(2) : "–",
                            costRow.modelData.weightBytesPerToken > 0 ? gui.fileSize(costRow.modelData.weightBytesPerToken) : "–",
                            costRow.modelData.memoryBytes > 0 ? gui.fileSize(costRow.modelData.memoryBytes) : "–",
                            costRow.modelData.measuredPeakRssBytes > 0 ? gui.fileSize(costRow.modelData.measuredPeakRssBytes) : "–"]
                    delegate: Text {
                        required property var modelData
                        required property int index
                        width: view.columns[index].width * view.unit
                        height: 34
                        leftPadding: 8
                        text: modelData
                        font.pixelSize: Theme.fontSmall
                        color: Theme.text
                        verticalAlignment: Text.AlignVCenter
                        elide: Text.ElideMiddle
                    }
                }
            }
        }
    }

    RowLayout {
        Layout.topMargin: 6
        spacing: 8
        Label { text: qsTr("Decode speed against"); color: Theme.textMuted }
        ComboBox {
            objectName: "costAxisBox"
            Layout.preferredWidth: 280
            model: [qsTr("weight bytes read per token"), qsTr("total parameters")]
            onActivated: (i) => view.axis = i === 0 ? "bytes" : "params"
        }
    }
    ChartView {
        id: scatter
        objectName: "costChart"
        Layout.fillWidth: true
        Layout.preferredHeight: 300
        antialiasing: true
        legend.alignment: Qt.AlignRight
        legend.font.pixelSize: Theme.fontSmall
        margins { left: 4; right: 4; top: 4; bottom: 4 }
        ValueAxis {
            id: costX
            min: 0
            titleText: view.axis === "bytes" ? qsTr("Weight bytes read per decoded token (MB)") : qsTr("Total parameters (millions)")
            labelsFont.pixelSize: Theme.fontSmall
        }
        ValueAxis {
            id: costY
            min: 0
            titleText: qsTr("Decode tokens/s (median)")
            labelsFont.pixelSize: Theme.fontSmall
        }
    }
}
