// "Benchmark": the same fixed prompt and answer length on the chosen installed models, on the
// CPU and on Vulkan (a backend that cannot run here is skipped and named in the status line).
// Progress bar and Cancel; each run is recorded and appears in the chart and the table.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Rectangle {
    id: panel
    objectName: "benchmarkPanel"
    color: Theme.surfaceAlt
    radius: Theme.radiusLarge
    border.color: Theme.border
    implicitHeight: col.implicitHeight + 2 * Theme.padding

    property var chosen: ({})   // model id -> true
    function chosenIds() {
        const out = []
        for (const m of stats.costModels)    // the installed models
            if (chosen[m.modelId] !== false)   // every model unless unticked
                out.push(m.modelId)
        return out
    }

    ColumnLayout {
        id: col
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: 8
        RowLayout {
            spacing: 12
            Label { text: qsTr("Benchmark"); font.bold: true; font.pixelSize: Theme.fontLarge; color: Theme.text }
            Label {
                Layout.fillWidth: true
                text: qsTr("The same prompt and %1 tokens (greedy) on each model and backend.").arg(stats.benchmarkTokens)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
            }
        }
        Flow {
            Layout.fillWidth: true
            spacing: 4
            Repeater {
                model: models
                delegate: CheckBox {
                    required property string modelId
                    required property int index
                    objectName: "benchModel_" + index
                    text: modelId
                    checked: panel.chosen[modelId] !== false
                    enabled: !stats.benchmarkRunning
                    onToggled: { const c = panel.chosen; c[modelId] = checked; panel.chosen = c }
                }
            }
        }
        RowLayout {
            spacing: 8
            CheckBox { id: cpuBox; objectName: "benchCpu"; text: qsTr("CPU"); checked: true; enabled: !stats.benchmarkRunning }
            CheckBox {
                id: vulkanBox
                objectName: "benchVulkan"
                text: qsTr("Vulkan (if available)")
                checked: false
                enabled: !stats.benchmarkRunning
            }
            Label { text: qsTr("Tokens"); color: Theme.textMuted; Layout.leftMargin: 8 }
            SpinBox {
                objectName: "benchTokens"
                from: 2; to: 4096; stepSize: 16
                value: stats.benchmarkTokens
                editable: true
                enabled: !stats.benchmarkRunning
                onValueModified: stats.benchmarkTokens = value
            }
            Item { Layout.fillWidth: true }
            TButton {
                objectName: "runBenchmarkButton"
                text: qsTr("Run benchmark")
                primary: true
                enabled: !stats.benchmarkRunning && !chat.generating && models.count > 0 && (cpuBox.checked || vulkanBox.checked)
                onClicked: stats.runBenchmark(panel.chosenIds(), cpuBox.checked, vulkanBox.checked)
            }
            TButton {
                objectName: "cancelBenchmarkButton"
                text: qsTr("Cancel")
                enabled: stats.benchmarkRunning
                onClicked: stats.cancelBenchmark()
            }
        }
        ProgressBar {
            objectName: "benchmarkProgress"
            Layout.fillWidth: true
            from: 0; to: 1
            value: stats.benchmarkProgress
            visible: stats.benchmarkRunning || stats.benchmarkStatus !== ""
        }
        Label {
            objectName: "benchmarkStatus"
            Layout.fillWidth: true
            text: stats.benchmarkStatus
            visible: text !== ""
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
    }
}
