// About Tern: the icon, version, the compute backends this build has and the CPU features of this
// machine (gui.version / gui.backends / gui.cpuFeatures, from app/core/build_info.h), with a Copy
// button for bug reports. Opened from the settings page.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import QtQuick.Templates as T
import "."

Dialog {
    id: dialog
    objectName: "aboutDialog"
    readonly property string summary: "Tern " + gui.version + "\nbackends: " + gui.backends
                                      + "\nCPU features: " + gui.cpuFeatures

    parent: T.Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(440, parent ? parent.width - 40 : 440)
    modal: true
    focus: true
    padding: 24

    background: Rectangle { color: Theme.surface; radius: Theme.radiusLarge; border.color: Theme.border }

    component Row2: Label {
        color: Theme.text
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }

    contentItem: ColumnLayout {
        spacing: 14
        RowLayout {
            spacing: 16
            Image {
                source: "qrc:/icons/tern-128.png"
                sourceSize: Qt.size(64, 64)
                Layout.preferredWidth: 64
                Layout.preferredHeight: 64
            }
            ColumnLayout {
                spacing: 2
                Label { text: "Tern"; font.pixelSize: Theme.fontTitle; font.bold: true; color: Theme.text }
                Label {
                    objectName: "aboutVersion"
                    text: qsTr("Version %1").arg(gui.version)
                    color: Theme.textMuted
                }
            }
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Offline chat with ternary mixture-of-experts language models. Everything runs on this computer.")
            wrapMode: Text.Wrap
            color: Theme.textMuted
        }
        GridLayout {
            columns: 2
            columnSpacing: 14
            rowSpacing: 6
            Layout.fillWidth: true
            Label { text: qsTr("Backends"); color: Theme.textFaint }
            Row2 { objectName: "aboutBackends"; text: gui.backends }
            Label { text: qsTr("CPU features"); color: Theme.textFaint }
            Row2 { objectName: "aboutCpuFeatures"; text: gui.cpuFeatures }
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Your chats, settings and downloaded models are kept in your own data folder; uninstalling Tern leaves them in place.")
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
            color: Theme.textFaint
        }
    }

    footer: RowLayout {
        Item { Layout.fillWidth: true }
        TButton {
            objectName: "aboutCopyButton"
            text: qsTr("Copy")
            tip: qsTr("Copy the version, backends and CPU features (for a bug report)")
            Layout.bottomMargin: 16
            onClicked: gui.copyToClipboard(dialog.summary)
        }
        TButton {
            text: qsTr("OK")
            primary: true
            Layout.margins: 16
            Layout.leftMargin: 0
            Layout.topMargin: 0
            onClicked: dialog.close()
        }
    }
}
