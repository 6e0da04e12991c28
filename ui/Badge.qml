// A small rounded label: a tag ("ternary"), a state ("Installed") or a warning
// ("Not supported yet"). kind picks the colours: "neutral", "accent", "success", "warning", "danger".
import QtQuick
import QtQuick.Controls.Basic
import "."

Rectangle {
    id: badge
    property alias text: label.text
    property string kind: "neutral"
    property string tip: ""

    implicitWidth: label.implicitWidth + 14
    implicitHeight: label.implicitHeight + 4
    radius: height / 2
    color: kind === "accent" ? Theme.accentSoft
         : kind === "success" ? "#e6f4ea"
         : kind === "warning" ? Theme.warningSoft
         : kind === "danger" ? Theme.dangerSoft
         : Theme.surfaceAlt
    border.color: kind === "neutral" ? Theme.border : "transparent"

    Label {
        id: label
        anchors.centerIn: parent
        font.pixelSize: Theme.fontSmall - 1
        font.bold: badge.kind !== "neutral"
        color: badge.kind === "accent" ? Theme.accent
             : badge.kind === "success" ? Theme.success
             : badge.kind === "warning" ? Theme.warning
             : badge.kind === "danger" ? Theme.danger
             : Theme.textMuted
    }

    HoverHandler { id: hover; enabled: badge.tip !== "" }
    ToolTip.visible: tip !== "" && hover.hovered
    ToolTip.text: tip
    ToolTip.delay: 400
}
