// One setting on the Settings page: a label, an optional value on the right, the control
// (the children) and a muted hint below.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

ColumnLayout {
    id: field
    property string label: ""
    property string value: ""
    property string hint: ""
    default property alias content: slot.data

    Layout.fillWidth: true
    spacing: 4

    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: field.label
            font.bold: true
            color: Theme.text
        }
        Label {
            visible: field.value !== ""
            text: field.value
            color: Theme.accent
            font.family: Theme.monoFamily
        }
    }
    ColumnLayout {
        id: slot
        Layout.fillWidth: true
        spacing: 4
    }
    Label {
        visible: field.hint !== ""
        Layout.fillWidth: true
        text: field.hint
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
        color: Theme.textMuted
    }
}
