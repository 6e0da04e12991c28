// A modal message with one OK button (errors from import, export and the chat store).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import QtQuick.Templates as T
import "."

Dialog {
    id: dialog
    objectName: "infoDialog"
    property alias message: body.text
    function show(heading, text) {
        title = heading
        message = text
        open()
    }
    parent: T.Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(460, parent ? parent.width - 40 : 460)
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
        Item { Layout.fillWidth: true }
        TButton {
            text: qsTr("OK")
            primary: true
            Layout.margins: 16
            Layout.topMargin: 0
            onClicked: dialog.close()
        }
    }
}
