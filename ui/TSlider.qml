// A slider in the app's colours that writes only on user moves (onMoved).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Slider {
    id: control
    Layout.fillWidth: true
    live: true
    background: Rectangle {
        x: control.leftPadding
        y: control.topPadding + control.availableHeight / 2 - height / 2
        width: control.availableWidth
        height: 4
        radius: 2
        color: Theme.border
        Rectangle {
            width: control.visualPosition * parent.width
            height: parent.height
            radius: 2
            color: control.enabled ? Theme.accent : Theme.disabledText
        }
    }
    handle: Rectangle {
        x: control.leftPadding + control.visualPosition * (control.availableWidth - width)
        y: control.topPadding + control.availableHeight / 2 - height / 2
        width: 18; height: 18; radius: 9
        color: control.pressed ? Theme.accentSoft : Theme.surface
        border.color: control.visualFocus ? Theme.accentHover : Theme.accent
        border.width: 2
    }
}
