// A one-line strip above the messages for warnings and errors; hidden when its text is empty
// or after the user dismisses it (until the text changes).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Rectangle {
    id: banner
    property string text: ""
    property string kind: "warning"   // "warning" | "error" | "info"
    property bool dismissed: false
    onTextChanged: dismissed = false

    visible: text !== "" && !dismissed
    implicitHeight: visible ? row.implicitHeight + 16 : 0
    color: kind === "error" ? Theme.dangerSoft : kind === "info" ? Theme.accentSoft : Theme.warningSoft

    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: 16
        anchors.rightMargin: 8
        spacing: 8
        Label {
            text: banner.kind === "error" ? "⚠" : "ℹ"
            color: banner.kind === "error" ? Theme.danger : banner.kind === "info" ? Theme.accent : Theme.warning
            font.pixelSize: Theme.fontLarge
        }
        Label {
            Layout.fillWidth: true
            text: banner.text
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            color: banner.kind === "error" ? Theme.danger : banner.kind === "info" ? Theme.text : Theme.warning
        }
        TButton {
            text: "✕"
            subtle: true
            compact: true
            tip: qsTr("Dismiss")
            onClicked: banner.dismissed = true
        }
    }
}
