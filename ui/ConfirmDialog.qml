// A modal yes/no question (e.g. deleting a chat). Emits accepted() on confirm.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import QtQuick.Templates as T
import "."

Dialog {
    id: dialog
    property alias message: body.text
    property string confirmText: qsTr("OK")
    property bool destructive: false

    parent: T.Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(440, parent ? parent.width - 40 : 440)
    modal: true
    focus: true
    padding: 20
    topPadding: 8

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
    contentItem: Label {
        id: body
        wrapMode: Text.Wrap
        color: Theme.textMuted
        textFormat: Text.PlainText
    }
    footer: RowLayout {
        spacing: 8
        Item { Layout.fillWidth: true }
        TButton {
            text: qsTr("Cancel")
            Layout.bottomMargin: 16
            onClicked: dialog.reject()
        }
        TButton {
            objectName: "confirmButton"
            text: dialog.confirmText
            danger: dialog.destructive
            primary: !dialog.destructive
            Layout.rightMargin: 16
            Layout.bottomMargin: 16
            onClicked: dialog.accept()
        }
    }
}
