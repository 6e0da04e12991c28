// The downloads button in the header, shown while there are downloads: overall progress and the
// number running; it opens a popup with every download and its controls, so progress stays in
// sight from the chat.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

TButton {
    id: indicator
    objectName: "downloadsIndicator"
    signal openPageRequested()

    visible: downloads.count > 0
    subtle: true
    compact: false

    property int revision: 0
    Instantiator {
        id: rows
        model: downloads
        onObjectAdded: indicator.revision++
        onObjectRemoved: indicator.revision++
        delegate: QtObject {
            required property string state
            required property var bytesDone
            required property var bytesTotal
        }
    }
    // Summed over the running and queued downloads; -1 while a size is not known.
    readonly property var totals: {
        revision
        let done = 0, total = 0, unknown = false, failed = 0, paused = 0
        for (let i = 0; i < rows.count; ++i) {
            const o = rows.objectAt(i)
            if (!o) continue
            if (o.state === "failed") ++failed
            if (o.state === "paused") ++paused
            if (o.state !== "downloading" && o.state !== "queued" && o.state !== "verifying") continue
            done += Number(o.bytesDone)
            if (o.bytesTotal > 0) total += Number(o.bytesTotal)
            else unknown = true
        }
        return { fraction: !unknown && total > 0 ? Math.min(1, done / total) : -1, failed: failed, paused: paused }
    }
    readonly property bool active: downloads.activeCount > 0

    text: active ? (totals.fraction >= 0 ? qsTr("↓ %1%").arg(Math.floor(totals.fraction * 100)) : qsTr("↓ …"))
               : totals.failed > 0 ? qsTr("↓ Failed") : "↓"
    tip: {
        const parts = []
        if (active) parts.push(downloads.activeCount === 1 ? qsTr("1 running") : qsTr("%1 running").arg(downloads.activeCount))
        if (totals.paused > 0) parts.push(qsTr("%1 paused").arg(totals.paused))
        if (totals.failed > 0) parts.push(qsTr("%1 failed").arg(totals.failed))
        return parts.length > 0 ? qsTr("Downloads: %1").arg(parts.join(", ")) : qsTr("Downloads")
    }
    onClicked: panel.opened ? panel.close() : panel.open()

    // Running count, top right.
    Rectangle {
        visible: indicator.active
        anchors { right: parent.right; top: parent.top; rightMargin: 2; topMargin: 1 }
        width: Math.max(16, countLabel.implicitWidth + 8)
        height: 16
        radius: 8
        color: Theme.accent
        Label {
            id: countLabel
            objectName: "downloadsActiveCount"
            anchors.centerIn: parent
            text: downloads.activeCount
            font.pixelSize: 10
            font.bold: true
            color: Theme.accentText
        }
    }
    // Overall progress, along the bottom.
    Rectangle {
        visible: indicator.active && indicator.totals.fraction >= 0
        anchors { left: parent.left; bottom: parent.bottom; leftMargin: 10; bottomMargin: 3 }
        width: (parent.width - 20) * Math.max(0, indicator.totals.fraction)
        height: 2
        radius: 1
        color: Theme.accent
    }

    Popup {
        id: panel
        objectName: "downloadsPanel"
        y: indicator.height + 4
        x: indicator.width - width
        width: 420
        padding: 14
        background: Rectangle { radius: Theme.radiusLarge; color: Theme.surface; border.color: Theme.border }
        contentItem: ColumnLayout {
            spacing: 10
            Label {
                text: qsTr("Downloads")
                font.bold: true
                color: Theme.text
            }
            ScrollView {
                id: scroll
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(downloadsList.implicitHeight, 360)
                contentWidth: availableWidth
                clip: true
                DownloadsList {
                    id: downloadsList
                    width: scroll.availableWidth
                    onUsed: panel.close()
                }
            }
            TButton {
                Layout.fillWidth: true
                text: qsTr("Open the Models page")
                subtle: true
                onClicked: { panel.close(); indicator.openPageRequested() }
            }
        }
    }
}
