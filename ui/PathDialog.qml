// Asks for a file path as text. Used instead of FileDialog where Qt's own (non-native) file
// dialog cannot load because the Qt.labs.folderlistmodel QML module is missing: opening that
// FileDialog would crash.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import QtQuick.Templates as T
import "."

Dialog {
    id: dialog
    objectName: "pathDialog"
    property alias message: body.text
    property alias path: field.text
    signal chosen(string path)

    parent: T.Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(520, parent ? parent.width - 40 : 520)
    modal: true
    focus: true
    padding: 20
    topPadding: 8
    onOpened: { field.forceActiveFocus(); field.selectAll() }

    background: Rectangle { color: Theme.surface; radius: Theme.radiusLarge; border.color: Theme.border }
    header: Label {
        text: dialog.title
        font.pixelSize: Theme.fontLarge
        font.bold: true
        color: Theme.text
        padding: 20
        bottomPadding: 4
        elide: Text.ElideRight
    }
    contentItem: ColumnLayout {
        spacing: 10
        Label {
            id: body
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.textMuted
        }
        TextField {
            id: field
            objectName: "pathField"
            Layout.fillWidth: true
            selectByMouse: true
            color: Theme.text
            font.family: Theme.monoFamily
            onAccepted: if (text.trim() !== "") dialog.accept()
            background: Rectangle {
                implicitHeight: 34
                radius: Theme.radius
                border.color: field.activeFocus ? Theme.accent : Theme.border
                border.width: field.activeFocus ? 2 : 1
            }
        }
    }
    footer: RowLayout {
        spacing: 8
        Item { Layout.fillWidth: true }
        TButton { text: qsTr("Cancel"); Layout.bottomMargin: 16; onClicked: dialog.reject() }
        TButton {
            text: qsTr("OK")
            primary: true
            enabled: field.text.trim() !== ""
            Layout.rightMargin: 16
            Layout.bottomMargin: 16
            onClicked: dialog.accept()
        }
    }
    onAccepted: chosen(field.text.trim())
}
