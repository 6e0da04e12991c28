// One download's progress and controls, shared by a catalog entry and the downloads list:
// a bar with bytes done/total, speed and time left, and Pause / Resume / Cancel; a failed one
// shows its error and Retry (which resumes from the part already on disk).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

ColumnLayout {
    id: status
    // The download's roles (downloads.get(id) or a list delegate's): state, bytesDone,
    // bytesTotal, progress, speed, eta, error, message.
    property var dl: ({})
    property string downloadId: ""
    // Suffix of the objectNames: "downloadProgress-" + nameSuffix, "pauseButton-" + nameSuffix, ...
    property string nameSuffix: downloadId
    // Done and cancelled downloads are shown by the list only (a catalog entry shows "Installed").
    property bool showFinished: false
    signal cleared()

    readonly property string dlState: dl && dl.state ? dl.state : ""
    readonly property bool running: dlState === "downloading" || dlState === "queued" || dlState === "verifying"
    readonly property bool finished: dlState === "done" || dlState === "cancelled"
    visible: dlState !== "" && (!finished || showFinished)
    spacing: 4

    // "25 s", "4 min", "1 h 5 min"
    function duration(s) {
        if (s < 0 || !isFinite(s)) return ""
        s = Math.round(s)
        if (s < 60) return qsTr("%1 s").arg(s)
        const m = Math.round(s / 60)
        if (m < 60) return qsTr("%1 min").arg(m)
        return qsTr("%1 h %2 min").arg(Math.floor(m / 60)).arg(m % 60)
    }
    function amount() {
        const done = gui.fileSize(dl.bytesDone || 0)
        return dl.bytesTotal > 0 ? qsTr("%1 of %2").arg(done).arg(gui.fileSize(dl.bytesTotal)) : done
    }
    function percent() { return dl.progress >= 0 ? Math.floor(dl.progress * 100) + "%" : "" }
    readonly property string line: {
        const parts = []
        switch (dlState) {
        case "downloading":
            parts.push(percent(), amount())
            if (dl.speed > 0) parts.push(qsTr("%1/s").arg(gui.fileSize(dl.speed)))
            if (dl.eta >= 0) parts.push(qsTr("%1 left").arg(duration(dl.eta)))
            break
        case "queued": parts.push(qsTr("Waiting for another download to finish…")); break
        case "paused": parts.push(qsTr("Paused"), percent(), amount()); break
        case "verifying": parts.push(qsTr("Checking the downloaded file…")); break
        case "failed": parts.push(qsTr("Download failed"), dl.bytesDone > 0 ? qsTr("%1 kept for Retry").arg(amount()) : ""); break
        case "done": parts.push(qsTr("Installed"), gui.fileSize(dl.bytesDone || 0)); break
        case "cancelled": parts.push(qsTr("Cancelled")); break
        }
        return parts.filter(p => p !== "").join(" · ")
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: 8
        ProgressBar {
            id: bar
            objectName: "downloadProgress-" + status.nameSuffix
            Layout.fillWidth: true
            from: 0; to: 1
            value: status.dl.progress > 0 ? status.dl.progress : 0
            indeterminate: status.dlState === "verifying" || (status.dlState === "downloading" && !(status.dl.progress >= 0))
            visible: !status.finished
            Accessible.name: status.line
            background: Rectangle { implicitHeight: 6; radius: 3; color: Theme.hover }
            contentItem: Item {
                implicitHeight: 6
                clip: true
                Rectangle {
                    visible: !bar.indeterminate
                    width: bar.visualPosition * parent.width
                    height: parent.height
                    radius: 3
                    color: status.dlState === "failed" ? Theme.danger
                         : status.dlState === "paused" || status.dlState === "queued" ? Theme.borderStrong : Theme.accent
                }
                Rectangle {
                    id: sweep
                    visible: bar.indeterminate
                    width: parent.width / 4
                    height: parent.height
                    radius: 3
                    color: Theme.accent
                    XAnimator on x {
                        running: bar.indeterminate && bar.visible
                        from: -sweep.width; to: bar.width
                        duration: 1200
                        loops: Animation.Infinite
                    }
                }
            }
        }
        Label {
            visible: status.finished
            Layout.fillWidth: true
            text: status.line
            font.pixelSize: Theme.fontSmall
            color: Theme.textMuted
            elide: Text.ElideRight
        }
        TButton {
            objectName: "pauseButton-" + status.nameSuffix
            visible: status.dlState === "downloading" || status.dlState === "queued"
            text: qsTr("Pause")
            compact: true
            tip: qsTr("Stop for now; Resume continues where it stopped")
            onClicked: downloads.pause(status.downloadId)
        }
        TButton {
            objectName: "resumeButton-" + status.nameSuffix
            visible: status.dlState === "paused"
            text: qsTr("Resume")
            compact: true
            primary: true
            onClicked: downloads.resume(status.downloadId)
        }
        TButton {
            objectName: "retryButton-" + status.nameSuffix
            visible: status.dlState === "failed"
            text: qsTr("Retry")
            compact: true
            primary: true
            tip: qsTr("Try again, keeping what was already downloaded")
            onClicked: downloads.resume(status.downloadId)
        }
        TButton {
            objectName: "cancelButton-" + status.nameSuffix
            visible: !status.finished && status.dlState !== "verifying"
            text: qsTr("Cancel")
            compact: true
            subtle: true
            tip: qsTr("Stop and delete the partly downloaded file")
            onClicked: downloads.cancel(status.downloadId)
        }
        TButton {
            objectName: "clearButton-" + status.nameSuffix
            visible: status.finished
            text: qsTr("Clear")
            compact: true
            subtle: true
            tip: status.dlState === "done" ? qsTr("Remove from this list (the model stays installed)") : qsTr("Remove from this list")
            onClicked: { downloads.remove(status.downloadId); status.cleared() }
        }
    }
    Label {
        objectName: "downloadStatus-" + status.nameSuffix
        visible: !status.finished
        Layout.fillWidth: true
        text: status.line
        font.pixelSize: Theme.fontSmall
        color: status.dlState === "failed" ? Theme.danger : Theme.textMuted
        elide: Text.ElideRight
    }
    Label {
        Layout.fillWidth: true
        visible: text !== ""
        text: status.dlState === "failed" ? (status.dl.error || "") : (status.dl.message || "")
        font.pixelSize: Theme.fontSmall
        color: status.dlState === "failed" ? Theme.danger : Theme.textMuted
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
    }
}
