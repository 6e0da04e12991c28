// Above the catalog list: the search field and the Ternary / MoE / Fits-in-my-RAM filters, the
// catalog's status (and the error of a failed refresh, which keeps the list), and the catalog
// source: the address Refresh fetches from (empty = the catalog bundled with Tern, offline).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Rectangle {
    id: bar
    property bool sourceOpen: false
    readonly property alias urlText: urlField.text
    signal sourceToggled()
    signal clearRequested()
    signal urlCommitted()

    function resetSearch() { search.text = "" }
    function focusSearch() { search.forceActiveFocus() }

    implicitHeight: column.implicitHeight + 24
    color: Theme.surfaceAlt
    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }

    ColumnLayout {
        id: column
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 12; leftMargin: 24; rightMargin: 24 }
        spacing: 8

        Flow {
            Layout.fillWidth: true
            spacing: 8
            TextField {
                id: search
                objectName: "catalogSearch"
                width: Math.min(340, column.width)
                placeholderText: qsTr("Search models, publishers, tags…")
                placeholderTextColor: Theme.textFaint
                color: Theme.text
                selectByMouse: true
                leftPadding: 12
                Component.onCompleted: text = catalog.searchText
                onTextEdited: catalog.searchText = text
                background: Rectangle {
                    implicitHeight: 32
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: search.activeFocus ? Theme.accent : Theme.border
                }
            }
            FilterChip {
                objectName: "filterTernary"
                text: qsTr("Ternary")
                tip: qsTr("Only models with ternary (1.58-bit) weights")
                checked: catalog.filterTernary
                onToggled: catalog.filterTernary = checked
            }
            FilterChip {
                objectName: "filterMoe"
                text: qsTr("MoE")
                tip: qsTr("Only mixture-of-experts models")
                checked: catalog.filterMoe
                onToggled: catalog.filterMoe = checked
            }
            FilterChip {
                objectName: "filterFitsRam"
                text: catalog.totalRamBytes > 0 ? qsTr("Fits in my RAM (%1)").arg(gui.fileSize(catalog.totalRamBytes))
                                                : qsTr("Fits in my RAM")
                tip: catalog.totalRamBytes > 0
                     ? qsTr("Only models whose estimated memory need is at most this computer's %1 of RAM").arg(gui.fileSize(catalog.totalRamBytes))
                     : qsTr("This computer's RAM is not known, so nothing is hidden")
                checked: catalog.filterFitsRam
                onToggled: catalog.filterFitsRam = checked
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Label {
                objectName: "catalogStatus"
                Layout.fillWidth: true
                text: (catalog.count < catalog.totalCount
                       ? qsTr("Showing %1 of %2 · ").arg(catalog.count).arg(catalog.totalCount) : "") + catalog.status
                font.pixelSize: Theme.fontSmall
                color: Theme.textMuted
                elide: Text.ElideRight
            }
            TButton {
                visible: catalog.count < catalog.totalCount
                text: qsTr("Clear filters")
                compact: true
                subtle: true
                onClicked: bar.clearRequested()
            }
            TButton {
                objectName: "catalogSourceButton"
                text: bar.sourceOpen ? qsTr("Catalog source ▴") : qsTr("Catalog source ▾")
                compact: true
                subtle: true
                tip: qsTr("Where Refresh looks for a newer catalog")
                onClicked: bar.sourceToggled()
            }
        }

        Label {
            objectName: "catalogError"
            Layout.fillWidth: true
            visible: catalog.error !== ""
            text: qsTr("⚠ %1").arg(catalog.error)
            font.pixelSize: Theme.fontSmall
            color: Theme.danger
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }

        ColumnLayout {
            visible: bar.sourceOpen
            Layout.fillWidth: true
            spacing: 4
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                Label { text: qsTr("Catalog URL"); font.bold: true; color: Theme.text }
                TextField {
                    id: urlField
                    objectName: "catalogUrlField"
                    Layout.fillWidth: true
                    text: catalog.url
                    placeholderText: qsTr("https://… (empty: use the catalog bundled with Tern)")
                    placeholderTextColor: Theme.textFaint
                    color: Theme.text
                    selectByMouse: true
                    font.family: Theme.monoFamily
                    font.pixelSize: Theme.fontSmall
                    onEditingFinished: bar.urlCommitted()
                    background: Rectangle {
                        implicitHeight: 30
                        radius: Theme.radius
                        color: Theme.surface
                        border.color: urlField.activeFocus ? Theme.accent : Theme.border
                    }
                }
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("Refresh catalog downloads a newer list of models from this address (https). Leave it empty to stay offline: Tern then shows the catalog it shipped with, or the one it downloaded last.")
                font.pixelSize: Theme.fontSmall
                color: Theme.textMuted
                wrapMode: Text.Wrap
            }
        }
    }
}
