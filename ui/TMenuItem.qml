// A menu entry; `danger` shows it in red (Delete).
import QtQuick
import QtQuick.Controls.Basic
import "."

MenuItem {
    id: item
    property bool danger: false
    hoverEnabled: true
    leftPadding: 12
    rightPadding: 12
    contentItem: Text {
        text: item.text
        font: item.font
        color: !item.enabled ? Theme.disabledText : item.danger ? Theme.danger : Theme.text
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        implicitHeight: 32
        implicitWidth: 200
        radius: 6
        color: item.highlighted || item.hovered ? Theme.hover : "transparent"
    }
}
