// A pop-up menu in the app's style (rounded card with a border).
import QtQuick
import QtQuick.Controls.Basic
import "."

Menu {
    id: menu
    padding: 4
    background: Rectangle {
        implicitWidth: 210
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
    }
    delegate: TMenuItem {}
}
