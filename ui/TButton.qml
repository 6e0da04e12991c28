// The app's button: "primary" (filled accent), "danger" (filled red), "flat" (text only,
// for toolbars and message actions) or the default outlined look.
import QtQuick
import QtQuick.Controls.Basic
import "."

Button {
    id: control
    property bool primary: false
    property bool danger: false
    property bool subtle: false   // flat toolbar/message action
    property bool compact: false
    property string tip: ""

    font.pixelSize: compact ? Theme.fontSmall : Theme.fontSize
    padding: compact ? 4 : 8
    leftPadding: compact ? 8 : 14
    rightPadding: compact ? 8 : 14
    hoverEnabled: true
    focusPolicy: Qt.TabFocus

    ToolTip.visible: tip !== "" && hovered
    ToolTip.text: tip
    ToolTip.delay: 600

    contentItem: Text {
        text: control.text
        font: control.font
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
        color: !control.enabled ? Theme.disabledText
             : (control.primary || control.danger) ? Theme.accentText
             : control.subtle ? (control.hovered ? Theme.text : Theme.textMuted)
             : Theme.text
    }
    background: Rectangle {
        implicitHeight: control.compact ? 26 : 34
        implicitWidth: control.compact ? 26 : 64
        radius: Theme.radius
        color: {
            if (!control.enabled)
                return (control.primary || control.danger) ? Theme.disabledBg : "transparent"
            if (control.primary)
                return control.down ? Qt.darker(Theme.accentHover, 1.1) : control.hovered ? Theme.accentHover : Theme.accent
            if (control.danger)
                return control.down || control.hovered ? Qt.darker(Theme.danger, 1.15) : Theme.danger
            if (control.subtle)
                return control.down ? Theme.selected : control.hovered ? Theme.hover : "transparent"
            return control.down ? Theme.hover : control.hovered ? Theme.surfaceAlt : Theme.surface
        }
        border.width: (control.primary || control.danger || control.subtle) ? 0 : 1
        border.color: control.visualFocus ? Theme.accent : Theme.border
    }
}
