// The Stats page's comparison table: one row per model × backend with the median and best
// decode and prefill tokens/s, time to first token, peak memory and tokens/s per GB of weights.
// Clicking a column header sorts by it (again: the other direction). "–": no value.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

ColumnLayout {
    id: table
    objectName: "comparisonTable"
    spacing: 0
    readonly property int rowCount: rows.count

    // "–" for no value; large figures (tiny models) as 23.0 k / 5.06 M instead of long digit runs.
    function rate(v) {
        if (!(v > 0)) return "–"
        if (v >= 1e6) return (v / 1e6).toFixed(2) + " M"
        if (v >= 1e4) return (v / 1e3).toFixed(1) + " k"
        return v.toFixed(1)
    }
    readonly property var columns: [
        { key: "model", title: qsTr("Model"), width: 2.4 },
        { key: "backend", title: qsTr("Backend"), width: 1.0 },
        { key: "runs", title: qsTr("Runs"), width: 0.7 },
        { key: "medianDecode", title: qsTr("Decode t/s\nmedian"), width: 1.1 },
        { key: "bestDecode", title: qsTr("Decode t/s\nbest"), width: 1.1 },
        { key: "medianPrefill", title: qsTr("Prefill t/s\nmedian"), width: 1.1 },
        { key: "bestPrefill", title: qsTr("Prefill t/s\nbest"), width: 1.1 },
        { key: "ttft", title: qsTr("First token\nmedian"), width: 1.1 },
        { key: "peakMemory", title: qsTr("Peak\nmemory"), width: 1.1 },
        { key: "decodePerGB", title: qsTr("Decode t/s\nper GB"), width: 1.1 }
    ]
    readonly property real unit: width / 11.8
    function cells(r) {
        return [r.modelId, r.backend, r.runs, rate(r.medianDecodeTps), rate(r.bestDecodeTps),
                rate(r.medianPrefillTps), rate(r.bestPrefillTps),
                r.medianTtftMs > 0 ? (r.medianTtftMs >= 1000 ? (r.medianTtftMs / 1000).toFixed(2) + " s" : r.medianTtftMs.toFixed(0) + " ms") : "–",
                r.peakRssBytes > 0 ? gui.fileSize(r.peakRssBytes) : "–",
                rate(r.decodeTpsPerGB)]
    }

    Rectangle {
        Layout.fillWidth: true
        implicitHeight: 44
        color: Theme.surfaceAlt
        radius: Theme.radius
        Row {
            anchors.fill: parent
            Repeater {
                model: table.columns
                delegate: AbstractButton {
                    required property var modelData
                    objectName: "sort_" + modelData.key
                    width: modelData.width * table.unit
                    height: parent.height
                    hoverEnabled: true
                    onClicked: stats.sortBy(modelData.key)
                    contentItem: Text {
                        leftPadding: 8
                        text: parent.modelData.title + (stats.sortColumn === parent.modelData.key ? (stats.sortAscending ? " ▲" : " ▼") : "")
                        font.pixelSize: Theme.fontSmall
                        font.bold: true
                        color: parent.hovered ? Theme.accent : Theme.textMuted
                        verticalAlignment: Text.AlignVCenter
                        elide: Text.ElideRight
                    }
                }
            }
        }
    }
    ListView {
        id: rows
        objectName: "comparisonRows"
        Layout.fillWidth: true
        Layout.preferredHeight: contentHeight
        interactive: false
        model: stats.comparison
        delegate: Rectangle {
            required property var modelData
            required property int index
            width: ListView.view.width
            height: 34
            color: index % 2 ? Theme.surfaceAlt : Theme.surface
            Row {
                anchors.fill: parent
                Repeater {
                    model: table.cells(modelData)
                    delegate: Text {
                        required property var modelData
                        required property int index
                        width: table.columns[index].width * table.unit
                        height: 34
                        leftPadding: 8
                        text: modelData
                        font.pixelSize: Theme.fontSmall
                        font.family: index >= 2 ? Theme.monoFamily : Qt.application.font.family
                        color: Theme.text
                        verticalAlignment: Text.AlignVCenter
                        elide: Text.ElideMiddle
                    }
                }
            }
        }
    }
    Label {
        visible: rows.count === 0
        Layout.fillWidth: true
        Layout.topMargin: 12
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.textFaint
        text: qsTr("No generations recorded yet. Chat with a model or run the benchmark.")
    }
}
