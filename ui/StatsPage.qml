// The Stats page: which model and backend is fastest on this machine. Overview: the benchmark,
// a chart of decode and prefill tokens/s per model × backend over time, bars of the median
// decode speed (backends side by side) and the sortable comparison table; Cost: what each
// model costs to run. CSV export of the table and of the raw records. It takes the place of
// the chat like the Models page; "← Chat" (or Esc) goes back. Created on first visit (Qt
// Charts needs the QApplication main() creates).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import QtCharts
import "."

Rectangle {
    id: page
    objectName: "statsPage"
    color: Theme.window
    signal backRequested()
    signal exportRequested(string what)   // "table" | "records"
    property int tab: 0                   // 0 Overview, 1 Cost
    property string metric: "decode"      // the time chart shows "decode" or "prefill" tokens/s

    readonly property var palette: Theme.chartColors

    function rebuildCharts() {
        speed.removeAllSeries()
        const series = stats.chartSeries
        for (let i = 0; i < series.length; ++i) {
            const s = series[i]
            const points = page.metric === "decode" ? s.decode : s.prefill
            const line = speed.createSeries(ChartView.SeriesTypeLine, s.label, timeAxis, tpsAxis)
            line.color = palette[i % palette.length]
            line.width = 2
            line.pointsVisible = true
            for (const p of points)
                line.append(p.t, p.v)
        }
        const range = stats.chartEndMs - stats.chartStartMs
        const pad = Math.max(5000, range * 0.05)
        timeAxis.format = range + 2 * pad < 3600000 ? "hh:mm:ss" : range < 86400000 ? "hh:mm" : "MMM d hh:mm"
        timeAxis.min = new Date(stats.chartStartMs - pad)
        timeAxis.max = new Date(stats.chartEndMs + pad)
        let maxV = 0
        for (const s of series)
            for (const p of (page.metric === "decode" ? s.decode : s.prefill))
                maxV = Math.max(maxV, p.v)
        tpsAxis.max = maxV > 0 ? maxV * 1.15 : 1

        bars.removeAllSeries()
        const rows = stats.comparison
        const modelIds = [], backends = []
        for (const r of rows) {
            if (modelIds.indexOf(r.modelId) < 0) modelIds.push(r.modelId)
            if (backends.indexOf(r.backend) < 0) backends.push(r.backend)
        }
        barAxis.categories = modelIds
        const bs = bars.createSeries(ChartView.SeriesTypeBar, "", barAxis, barValueAxis)
        let maxBar = 0
        for (let b = 0; b < backends.length; ++b) {
            const values = modelIds.map(id => {
                const r = rows.find(x => x.modelId === id && x.backend === backends[b])
                const v = r && r.medianDecodeTps > 0 ? r.medianDecodeTps : 0
                maxBar = Math.max(maxBar, v)
                return v
            })
            const set = bs.append(backends[b], values)
            set.color = palette[b % palette.length]
        }
        barValueAxis.max = maxBar > 0 ? maxBar * 1.15 : 1
    }
    Connections { target: stats; function onRecordsChanged() { page.rebuildCharts() } }
    onMetricChanged: rebuildCharts()
    Component.onCompleted: rebuildCharts()

    component PageTab: Button {
        id: tabButton
        property int index: 0
        checked: page.tab === index
        hoverEnabled: true
        focusPolicy: Qt.TabFocus
        padding: 6
        leftPadding: 12
        rightPadding: 12
        onClicked: page.tab = index
        contentItem: Text {
            text: tabButton.text
            font.pixelSize: Theme.fontSize
            font.bold: tabButton.checked
            color: tabButton.checked ? Theme.accent : tabButton.hovered ? Theme.text : Theme.textMuted
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            implicitHeight: 34
            radius: Theme.radius
            color: tabButton.hovered && !tabButton.checked ? Theme.hover : "transparent"
            Rectangle {
                visible: tabButton.checked
                anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 6; bottomMargin: 0 }
                height: 2
                color: Theme.accent
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 60
            color: Theme.surface
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 12
                spacing: 6
                TButton {
                    objectName: "statsBackButton"
                    text: qsTr("← Chat")
                    subtle: true
                    tip: qsTr("Back to the conversation (Esc)")
                    onClicked: page.backRequested()
                }
                Label {
                    text: qsTr("Speed & stats")
                    font.pixelSize: Theme.fontLarge
                    font.bold: true
                    color: Theme.text
                    Layout.rightMargin: 10
                }
                PageTab { objectName: "statsOverviewTab"; index: 0; text: qsTr("Overview") }
                PageTab { objectName: "statsCostTab"; index: 1; text: qsTr("Cost") }
                Item { Layout.fillWidth: true }
                Label {
                    text: qsTr("%n generation(s)", "", stats.recordCount)
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                }
                TButton {
                    objectName: "exportStatsButton"
                    text: qsTr("Export CSV")
                    subtle: true
                    onClicked: exportMenu.open()
                    TMenu {
                        id: exportMenu
                        y: parent.height
                        TMenuItem { text: qsTr("Comparison table (.csv)…"); onTriggered: page.exportRequested("table") }
                        TMenuItem { text: qsTr("All records (.csv)…"); onTriggered: page.exportRequested("records") }
                    }
                }
            }
        }

        ScrollView {
            id: scroll
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            clip: true

            ColumnLayout {
                width: Math.min(scroll.availableWidth - 2 * Theme.padding, 1100)
                x: (scroll.availableWidth - width) / 2
                spacing: 14

                Item { implicitHeight: 2 }

                BenchmarkPanel {
                    visible: page.tab === 0
                    Layout.fillWidth: true
                }

                RowLayout {
                    visible: page.tab === 0
                    spacing: 8
                    Label { text: qsTr("Tokens/s over time"); font.bold: true; color: Theme.text }
                    ComboBox {
                        objectName: "chartMetricBox"
                        Layout.preferredWidth: 140
                        model: [qsTr("Decode"), qsTr("Prefill")]
                        onActivated: (i) => page.metric = i === 0 ? "decode" : "prefill"
                    }
                }
                ChartView {
                    id: speed
                    objectName: "speedChart"
                    visible: page.tab === 0
                    Layout.fillWidth: true
                    Layout.preferredHeight: 280
                    antialiasing: true
                    legend.alignment: Qt.AlignRight
                    legend.font.pixelSize: Theme.fontSmall
                    margins { left: 4; right: 4; top: 4; bottom: 4 }
                    DateTimeAxis {
                        id: timeAxis
                        format: "MMM d hh:mm"
                        tickCount: 5
                        labelsFont.pixelSize: Theme.fontSmall
                    }
                    ValueAxis {
                        id: tpsAxis
                        min: 0
                        titleText: page.metric === "decode" ? qsTr("Decode tokens/s") : qsTr("Prefill tokens/s")
                        labelsFont.pixelSize: Theme.fontSmall
                    }
                }

                Label {
                    visible: page.tab === 0
                    text: qsTr("Median decode tokens/s per model (backends side by side)")
                    font.bold: true
                    color: Theme.text
                }
                ChartView {
                    id: bars
                    objectName: "barChart"
                    visible: page.tab === 0
                    Layout.fillWidth: true
                    Layout.preferredHeight: 240
                    antialiasing: true
                    legend.alignment: Qt.AlignRight
                    legend.font.pixelSize: Theme.fontSmall
                    margins { left: 4; right: 4; top: 4; bottom: 4 }
                    BarCategoryAxis { id: barAxis; labelsFont.pixelSize: Theme.fontSmall }
                    ValueAxis { id: barValueAxis; min: 0; labelsFont.pixelSize: Theme.fontSmall }
                }

                Label {
                    visible: page.tab === 0
                    text: qsTr("Comparison")
                    font.bold: true
                    color: Theme.text
                }
                StatsTable {
                    visible: page.tab === 0
                    Layout.fillWidth: true
                }

                StatsCostView {
                    visible: page.tab === 1
                    Layout.fillWidth: true
                }
                Item { implicitHeight: Theme.padding }
            }
        }
    }
}
