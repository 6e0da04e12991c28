// The full record of one catalog entry, shown when it is expanded: where the file comes from
// (repository, file name, URL, sha256 or why there is none), every number with its note, and
// Copy URL. Values are selectable so they can be copied.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

ColumnLayout {
    id: details
    // The entry's roles, from catalog.get(id).
    property var record: ({})
    spacing: 6

    function known(v) { return v !== undefined && v !== null && v !== "" && !(typeof v === "number" && v < 0) }
    function count(n) { return Number(n).toLocaleString(Qt.locale(), "f", 0) }
    // [label, value, monospace, note]
    readonly property var rows: {
        const e = record
        const r = []
        r.push([qsTr("Repository"), known(e.repository) ? e.repository : qsTr("none"), true])
        r.push([qsTr("File"), e.fileName, true])
        if (known(e.localFileName) && e.localFileName !== e.fileName)
            r.push([qsTr("Saved as"), e.localFileName, true])
        r.push([qsTr("URL"), known(e.url) ? e.url : qsTr("none: ships with Tern"), known(e.url)])
        r.push([qsTr("SHA-256"), known(e.sha256) ? e.sha256 : qsTr("not known"), known(e.sha256), e.sha256Note])
        r.push([qsTr("Size"), known(e.sizeBytes) ? qsTr("%1 bytes (%2)").arg(count(e.sizeBytes)).arg(gui.fileSize(e.sizeBytes))
                                                 : qsTr("not known exactly"), false, e.sizeNote])
        r.push([qsTr("Quantization"), known(e.quantization) ? e.quantization : qsTr("not listed"), false])
        r.push([qsTr("Tensor types"), e.types ? e.types.join(", ") : "", false])
        r.push([qsTr("Architecture"), e.architecture, false])
        r.push([qsTr("Tokenizer"), known(e.tokenizer) ? e.tokenizer : qsTr("not known"), false])
        let params = known(e.paramsTotal) ? qsTr("%1 total").arg(gui.paramCount(e.paramsTotal)) : qsTr("not known")
        if (known(e.paramsActive)) params += qsTr(", %1 active per token").arg(gui.paramCount(e.paramsActive))
        r.push([qsTr("Parameters"), params, false])
        r.push([qsTr("Experts"), known(e.experts) && e.experts > 0
                    ? qsTr("%1 experts, %2 active per token").arg(e.experts).arg(known(e.expertsUsed) ? e.expertsUsed : "?")
                    : e.tags && e.tags.indexOf("moe") >= 0 ? qsTr("not known") : qsTr("none (dense)"), false])
        r.push([qsTr("Context length"), known(e.contextLength) && e.contextLength > 0 ? qsTr("%1 tokens").arg(count(e.contextLength))
                                                                                     : qsTr("not known"), false])
        r.push([qsTr("RAM needed"), known(e.ramBytes) ? gui.fileSize(e.ramBytes) : qsTr("not known"), false, e.ramNote])
        // Cost to run (as on the Stats page): exact from the file once installed, else what the
        // catalog's numbers allow, marked "≈"; "–" where they do not.
        const inst = known(e.localFileName) ? models.get(e.localFileName) : ({})
        const exact = inst.weightBytesPerToken !== undefined && inst.weightBytesPerToken > 0
        const c = exact ? { bitsPerWeight: inst.bitsPerWeight, weightBytesPerToken: inst.weightBytesPerToken } : (e.cost || {})
        const approx = exact ? "" : "≈ "
        r.push([qsTr("Bits per weight"), known(c.bitsPerWeight) ? approx + c.bitsPerWeight.toFixed(2) : "–", false,
                exact ? inst.bitsPerWeightByType : known(c.bitsPerWeight) ? qsTr("file size ÷ parameters (metadata included)") : ""])
        r.push([qsTr("Weights read per token"), known(c.weightBytesPerToken) ? approx + gui.fileSize(c.weightBytesPerToken) : "–", false,
                exact ? qsTr("measured from the file: active experts only")
                      : known(c.weightBytesPerToken) ? qsTr("file size × active ÷ total parameters") : ""])
        r.push([qsTr("License"), known(e.license) ? e.license : qsTr("not listed"), false])
        r.push([qsTr("Chat template"), known(e.chatTemplate) ? e.chatTemplate : qsTr("none: completion mode (continues text)"), false])
        r.push([qsTr("Runs in Tern"), e.runnable ? qsTr("yes") : qsTr("not yet: %1").arg(e.unsupportedReason), false])
        if (known(e.notes))
            r.push([qsTr("Notes"), e.notes, false])
        return r
    }

    Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }

    Repeater {
        model: details.rows
        RowLayout {
            required property var modelData
            Layout.fillWidth: true
            spacing: 12
            Label {
                Layout.preferredWidth: 120
                Layout.alignment: Qt.AlignTop
                text: modelData[0]
                font.pixelSize: Theme.fontSmall
                color: Theme.textFaint
            }
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 1
                TextEdit {
                    Layout.fillWidth: true
                    text: modelData[1]
                    readOnly: true
                    selectByMouse: true
                    wrapMode: modelData[2] ? TextEdit.WrapAnywhere : TextEdit.Wrap
                    textFormat: TextEdit.PlainText
                    font.pixelSize: Theme.fontSmall
                    font.family: modelData[2] ? Theme.monoFamily : Qt.application.font.family
                    color: Theme.text
                    selectionColor: Theme.selected
                    selectedTextColor: Theme.text
                }
                Label {
                    Layout.fillWidth: true
                    visible: details.known(modelData[3])
                    text: modelData[3] || ""
                    font.pixelSize: Theme.fontSmall - 1
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                }
            }
        }
    }

    RowLayout {
        Layout.topMargin: 4
        spacing: 8
        TButton {
            id: copyUrl
            objectName: "copyUrlButton-" + (details.record.catalogId || "")
            text: copied.running ? qsTr("Copied ✓") : qsTr("Copy URL")
            compact: true
            enabled: details.known(details.record.url)
            onClicked: { gui.copyToClipboard(details.record.url); copied.restart() }
            Timer { id: copied; interval: 1500 }
        }
        TButton {
            visible: details.known(details.record.sha256)
            text: qsTr("Copy SHA-256")
            compact: true
            subtle: true
            onClicked: gui.copyToClipboard(details.record.sha256)
        }
    }
}
