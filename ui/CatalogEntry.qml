// One model in the catalog: name, publisher, architecture and quantization, the key numbers
// (size, parameters, experts, context, RAM, license), tags, a short description, and the action:
// Download, the download's progress, or Use once installed. Models the engine cannot run yet are
// marked with the reason and their Download button is disabled. "Details" expands the full record.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Rectangle {
    id: entry
    required property int index
    required property string catalogId
    required property string name
    required property string publisher
    required property string repository
    required property string fileName
    required property string localFileName
    required property string url
    required property bool bundled
    required property string quantization
    required property var sizeBytes
    required property string sizeNote
    required property string sha256
    required property string sha256Note
    required property var types
    required property string architecture
    required property string tokenizer
    required property var paramsTotal
    required property var paramsActive
    required property int experts
    required property int expertsUsed
    required property int contextLength
    required property string license
    required property var ramBytes
    required property string ramNote
    required property string chatTemplate
    required property string description
    required property var tags
    required property string notes
    required property bool runnable
    required property string unsupportedReason
    required property bool installed
    required property bool fitsInRam

    property bool expanded: false
    signal toggleDetails()
    signal used()                       // "Use" chose this model: back to the chat
    signal downloadRefused(string error)

    objectName: "catalogEntry-" + catalogId
    implicitHeight: body.implicitHeight + 32
    radius: Theme.radiusLarge
    color: Theme.surface
    border.color: installed ? Qt.lighter(Theme.success, 2.2) : Theme.border

    // The download of this entry's file, if any (downloads.get is not a binding: re-read it
    // whenever the download list changes).
    property int downloadRevision: 0
    Connections {
        target: downloads
        function onDataChanged() { entry.downloadRevision++ }
        function onCountChanged() { entry.downloadRevision++ }
    }
    readonly property var dl: { downloadRevision; return downloads.get(localFileName) }
    readonly property string dlState: dl && dl.state ? dl.state : ""
    readonly property bool downloading: !installed && dlState !== "" && dlState !== "done" && dlState !== "cancelled"
    readonly property bool inUse: installed && chat.modelId === localFileName

    // "about 1.19 GB as listed on Hugging Face (…); exact size not known yet" -> "about 1.19 GB"
    function shortNote(note) { return note.split(/;| as | \(/)[0].trim() }
    readonly property string sizeText: sizeBytes >= 0 ? gui.fileSize(sizeBytes)
                                     : sizeNote !== "" ? shortNote(sizeNote) : qsTr("size not known")
    readonly property var facts: {
        const f = [{ text: sizeText, warn: false }]
        if (paramsTotal > 0)
            f.push({ text: paramsActive > 0 && paramsActive < paramsTotal
                           ? qsTr("%1 params, %2 active").arg(gui.paramCount(paramsTotal)).arg(gui.paramCount(paramsActive))
                           : qsTr("%1 params").arg(gui.paramCount(paramsTotal)), warn: false })
        if (experts > 0)
            f.push({ text: qsTr("%1 experts, %2 active").arg(experts).arg(expertsUsed >= 0 ? expertsUsed : "?"), warn: false })
        if (contextLength > 0)
            f.push({ text: qsTr("%1-token context").arg(Number(contextLength).toLocaleString(Qt.locale(), "f", 0)), warn: false })
        if (ramBytes > 0)
            f.push({ text: fitsInRam ? qsTr("needs %1 RAM").arg(gui.fileSize(ramBytes))
                                     : qsTr("needs %1 RAM, more than this computer has").arg(gui.fileSize(ramBytes)),
                     warn: !fitsInRam })
        else
            f.push({ text: qsTr("RAM needed not known"), warn: false })
        f.push({ text: license !== "" ? license : qsTr("license not listed"), warn: false })
        return f
    }

    ColumnLayout {
        id: body
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 16 }
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2
                Flow {
                    id: titleFlow
                    Layout.fillWidth: true
                    spacing: 8
                    Label {
                        width: Math.min(implicitWidth, titleFlow.width)
                        wrapMode: Text.Wrap
                        text: entry.name
                        font.pixelSize: Theme.fontLarge
                        font.bold: true
                        color: Theme.text
                        textFormat: Text.PlainText
                    }
                    Badge { visible: entry.installed; kind: "success"; text: entry.inUse ? qsTr("Installed · in use") : qsTr("Installed") }
                    Badge { visible: entry.bundled; text: qsTr("Ships with Tern") }
                    Badge {
                        visible: entry.downloading
                        kind: entry.dlState === "failed" ? "danger" : "accent"
                        text: entry.dlState === "failed" ? qsTr("Download failed")
                            : entry.dlState === "paused" ? qsTr("Paused")
                            : entry.dlState === "verifying" ? qsTr("Checking")
                            : entry.dlState === "queued" ? qsTr("Queued") : qsTr("Downloading")
                    }
                    Badge {
                        visible: !entry.runnable
                        kind: "warning"
                        text: qsTr("Not supported yet")
                        tip: entry.unsupportedReason
                    }
                }
                Label {
                    Layout.fillWidth: true
                    text: [entry.publisher, entry.architecture, entry.quantization].filter(p => p !== "").join(" · ")
                    color: Theme.textMuted
                    elide: Text.ElideRight
                }
            }

            // A disabled button gets no hover, so the reason's tooltip hangs on this wrapper.
            Item {
                id: action
                Layout.alignment: Qt.AlignTop
                implicitWidth: actionButton.implicitWidth
                implicitHeight: actionButton.implicitHeight
                visible: !entry.downloading
                readonly property string reason: !entry.runnable ? qsTr("Tern cannot run this model yet: %1").arg(entry.unsupportedReason)
                                               : entry.url === "" ? qsTr("Ships with Tern: it is copied back into the models folder at the next start")
                                               : ""
                TButton {
                    id: actionButton
                    objectName: entry.installed ? "useButton-" + entry.catalogId : "downloadButton-" + entry.catalogId
                    primary: true
                    text: entry.installed ? (entry.inUse ? qsTr("Go to chat") : qsTr("Use"))
                                          : entry.sizeBytes >= 0 ? qsTr("Download · %1").arg(entry.sizeText) : qsTr("Download")
                    enabled: entry.installed ? entry.runnable : action.reason === ""
                    tip: entry.installed ? qsTr("Chat with this model") : qsTr("Download into the models folder")
                    onClicked: {
                        if (entry.installed) {
                            if (!entry.inUse)
                                chat.selectModel(entry.localFileName)
                            entry.used()
                            return
                        }
                        const error = downloads.download(entry.url, entry.sha256, entry.sizeBytes, entry.localFileName)
                        if (error !== "")
                            entry.downloadRefused(error)
                    }
                }
                HoverHandler { id: actionHover; enabled: !actionButton.enabled && action.reason !== "" }
                ToolTip.visible: actionHover.hovered
                ToolTip.text: action.reason
                ToolTip.delay: 300
            }
        }

        Rectangle {
            objectName: "unsupportedNote-" + entry.catalogId
            visible: !entry.runnable
            Layout.fillWidth: true
            implicitHeight: reasonLabel.implicitHeight + 12
            radius: Theme.radius
            color: Theme.warningSoft
            Label {
                id: reasonLabel
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 10 }
                text: qsTr("⚠ Tern cannot run this model yet: %1.").arg(entry.unsupportedReason)
                color: Theme.warning
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.Wrap
            }
        }

        Label {
            Layout.fillWidth: true
            visible: entry.description !== ""
            text: entry.description
            color: Theme.text
            wrapMode: Text.Wrap
            maximumLineCount: entry.expanded ? 100 : 2
            elide: Text.ElideRight
            textFormat: Text.PlainText
        }

        Flow {
            Layout.fillWidth: true
            spacing: 6
            Repeater {
                model: entry.facts
                Label {
                    required property var modelData
                    required property int index
                    text: (index > 0 ? "·  " : "") + modelData.text
                    font.pixelSize: Theme.fontSmall
                    color: modelData.warn ? Theme.warning : Theme.textMuted
                    font.bold: modelData.warn
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 6
            Flow {
                Layout.fillWidth: true
                spacing: 6
                Repeater {
                    model: entry.tags
                    Badge { required property string modelData; text: modelData }
                }
            }
            TButton {
                objectName: "detailsButton-" + entry.catalogId
                text: entry.expanded ? qsTr("Hide details ▴") : qsTr("Details ▾")
                compact: true
                subtle: true
                onClicked: entry.toggleDetails()
            }
        }

        DownloadStatus {
            Layout.fillWidth: true
            visible: entry.downloading
            dl: entry.dl
            downloadId: entry.localFileName
            nameSuffix: entry.catalogId
        }

        Loader {
            Layout.fillWidth: true
            active: entry.expanded
            visible: active
            sourceComponent: CatalogDetails { record: catalog.get(entry.catalogId) }
        }
    }
}
