// An on/off filter on the catalog page ("Ternary", "MoE", "Fits in my RAM"): outlined when off,
// accent-filled with a check mark when on.
import QtQuick
import QtQuick.Controls.Basic
import "."

Button {
    id: chip
    property string tip: ""

    checkable: true
    hoverEnabled: true
    focusPolicy: Qt.TabFocus
    font.pixelSize: Theme.fontSmall
    padding: 4
    leftPadding: 12
    rightPadding: 12

    ToolTip.visible: tip !== "" && hovered
    ToolTip.text: tip
    ToolTip.delay: 600

    contentItem: Text {
        text: (chip.checked ? "✓ " : "") + chip.text
        font: chip.font
        color: chip.checked ? Theme.accent : Theme.text
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        implicitHeight: 30
        radius: height / 2
        color: chip.checked ? Theme.accentSoft : chip.hovered ? Theme.surfaceAlt : Theme.surface
        border.color: chip.visualFocus || chip.checked ? Theme.accent : Theme.border
    }
}
