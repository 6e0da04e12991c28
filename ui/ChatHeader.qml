// The bar above the messages: conversation title, model selector, Models (the catalog page), the
// downloads indicator, export menu, settings.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Rectangle {
    id: header
    signal settingsRequested()
    signal importRequested()
    signal exportRequested(string format)
    signal catalogRequested()
    signal statsRequested()
    signal downloadsRequested()

    // Below this width Import/Export move into a ⋯ menu and Settings shows only its icon.
    readonly property bool narrow: width < 700
    implicitHeight: 60
    color: Theme.surface

    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 20
        anchors.rightMargin: 12
        spacing: 8

        ColumnLayout {
            Layout.fillWidth: true
            Layout.minimumWidth: 80
            Layout.preferredWidth: 200
            spacing: 0
            Label {
                objectName: "conversationTitle"
                Layout.fillWidth: true
                text: chat.currentTitle
                font.pixelSize: Theme.fontLarge
                font.bold: true
                color: Theme.text
                elide: Text.ElideRight
                textFormat: Text.PlainText
            }
            Label {
                Layout.fillWidth: true
                visible: chat.modelReady
                objectName: "modeAndBackend"
                // The backend's short name here; its whole description (device, threads) on hover.
                text: (chat.completionMode ? qsTr("Completion") : qsTr("Chat"))
                      + (chat.backendDescription !== "" ? " · " + chat.backendDescription.split(" (")[0] : "")
                ToolTip.visible: modeHover.hovered && chat.backendDescription !== ""
                ToolTip.text: qsTr("Running on %1").arg(chat.backendDescription)
                HoverHandler { id: modeHover }
                font.pixelSize: Theme.fontSmall
                color: Theme.textMuted
                elide: Text.ElideRight
            }
        }

        ModelSelector {
            Layout.fillWidth: true
            Layout.preferredWidth: 320
            Layout.maximumWidth: 340
            Layout.minimumWidth: 170
            onImportRequested: header.importRequested()
            onCatalogRequested: header.catalogRequested()
        }

        TButton {
            objectName: "openCatalogButton"
            text: qsTr("Models")
            subtle: true
            tip: qsTr("Discover and download models, manage the installed ones")
            onClicked: header.catalogRequested()
        }

        TButton {
            objectName: "openStatsButton"
            text: qsTr("Stats")
            subtle: true
            tip: qsTr("Speed of your models and backends: charts, comparison, benchmark")
            onClicked: header.statsRequested()
        }

        DownloadsIndicator {
            onOpenPageRequested: header.downloadsRequested()
        }

        TButton {
            objectName: "importButton"
            visible: !header.narrow
            text: qsTr("Import…")
            subtle: true
            tip: qsTr("Import a .gguf model file (or drop one onto the window)")
            onClicked: header.importRequested()
        }

        TButton {
            id: exportButton
            objectName: "exportButton"
            visible: !header.narrow
            text: qsTr("Export")
            subtle: true
            enabled: chat.currentConversationId !== 0
            tip: qsTr("Save this conversation as Markdown or JSON")
            onClicked: exportMenu.popup(exportButton, 0, exportButton.height)
            TMenu {
                id: exportMenu
                TMenuItem { text: qsTr("Markdown (.md)…"); onTriggered: header.exportRequested("md") }
                TMenuItem { text: qsTr("JSON (.json)…"); onTriggered: header.exportRequested("json") }
            }
        }

        TButton {
            id: moreButton
            objectName: "moreButton"
            visible: header.narrow
            text: "⋯"
            subtle: true
            tip: qsTr("Import a model, export this conversation")
            onClicked: moreMenu.popup(moreButton, 0, moreButton.height)
            TMenu {
                id: moreMenu
                TMenuItem { text: qsTr("Import .gguf…"); onTriggered: header.importRequested() }
                TMenuItem {
                    text: qsTr("Export as Markdown…")
                    enabled: chat.currentConversationId !== 0
                    onTriggered: header.exportRequested("md")
                }
                TMenuItem {
                    text: qsTr("Export as JSON…")
                    enabled: chat.currentConversationId !== 0
                    onTriggered: header.exportRequested("json")
                }
            }
        }

        TButton {
            objectName: "settingsButton"
            text: header.narrow ? "⚙" : qsTr("⚙ Settings")
            subtle: true
            tip: qsTr("Generation settings (Ctrl+,)")
            onClicked: header.settingsRequested()
        }
    }
}
