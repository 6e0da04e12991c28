// The Models page: Discover (the catalog with search, filters, downloads and the catalog source),
// Installed (the models folder, with Delete) and Downloads (every download's progress). It takes
// the place of the chat; "← Chat" (or Esc) goes back.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Rectangle {
    id: page
    objectName: "catalogPage"
    signal backRequested()
    signal importRequested()
    signal messageRequested(string title, string text)

    property int tab: 0            // 0 Discover, 1 Installed, 2 Downloads
    property string expandedId: ""  // the catalog entry showing its details
    property bool sourceOpen: false
    // A dialog of the page is open (Esc is then its own, not "back to the chat").
    readonly property bool dialogOpen: installedList.dialogOpen
    // Below this width the title hides and Refresh shows only its icon.
    readonly property bool narrow: width < 660
    color: Theme.window

    function commitUrl() {
        if (toolbar.urlText.trim() !== catalog.url)
            catalog.url = toolbar.urlText.trim()
    }
    function clearFilters() {
        catalog.searchText = ""
        toolbar.resetSearch()
        catalog.filterTernary = false
        catalog.filterMoe = false
        catalog.filterFitsRam = false
    }
    function focusSearch() { if (tab === 0) toolbar.focusSearch() }

    component PageTab: Button {
        id: tabButton
        property int index: 0
        checked: page.tab === index
        hoverEnabled: true
        focusPolicy: Qt.TabFocus
        padding: 6
        leftPadding: 12
        rightPadding: 12
        onClicked: page.tab = index
        contentItem: Text {
            text: tabButton.text
            font.pixelSize: Theme.fontSize
            font.bold: tabButton.checked
            color: tabButton.checked ? Theme.accent : tabButton.hovered ? Theme.text : Theme.textMuted
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            implicitHeight: 34
            radius: Theme.radius
            color: tabButton.hovered && !tabButton.checked ? Theme.hover : "transparent"
            border.color: tabButton.visualFocus ? Theme.accent : "transparent"
            Rectangle {
                visible: tabButton.checked
                anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 6; bottomMargin: 0 }
                height: 2
                color: Theme.accent
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Top bar: back, title, tabs, refresh.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 60
            color: Theme.surface
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 12
                spacing: 6
                TButton {
                    objectName: "backToChatButton"
                    text: qsTr("← Chat")
                    subtle: true
                    tip: qsTr("Back to the conversation (Esc)")
                    onClicked: page.backRequested()
                }
                Label {
                    visible: !page.narrow
                    text: qsTr("Models")
                    font.pixelSize: Theme.fontLarge
                    font.bold: true
                    color: Theme.text
                    Layout.rightMargin: 10
                }
                PageTab { objectName: "discoverTab"; index: 0; text: qsTr("Discover") }
                PageTab {
                    objectName: "installedTab"
                    index: 1
                    text: models.count > 0 ? qsTr("Installed (%1)").arg(models.count) : qsTr("Installed")
                }
                PageTab {
                    objectName: "downloadsTab"
                    index: 2
                    text: downloads.activeCount > 0 ? qsTr("Downloads (%1)").arg(downloads.activeCount) : qsTr("Downloads")
                }
                Item { Layout.fillWidth: true }
                TButton {
                    objectName: "refreshCatalogButton"
                    visible: page.tab === 0
                    text: page.narrow ? "⟳" : catalog.busy ? qsTr("Refreshing…") : qsTr("⟳ Refresh catalog")
                    enabled: !catalog.busy
                    subtle: true
                    tip: catalog.url !== "" ? qsTr("Reload the catalog and check %1 for a newer one").arg(catalog.url)
                                            : qsTr("Reload the catalog (no address set: nothing is fetched)")
                    onClicked: { page.commitUrl(); catalog.refresh() }
                }
            }
        }

        // Discover: search, filters, catalog source, the list. Anchored rather than laid out: a
        // layout hidden at start (the page) missed the toolbar's later changes of height.
        Item {
            visible: page.tab === 0
            Layout.fillWidth: true
            Layout.fillHeight: true

            CatalogToolbar {
                id: toolbar
                anchors { left: parent.left; right: parent.right; top: parent.top }
                height: implicitHeight
                sourceOpen: page.sourceOpen
                onSourceToggled: page.sourceOpen = !page.sourceOpen
                onClearRequested: page.clearFilters()
                onUrlCommitted: page.commitUrl()
            }

            ListView {
                id: list
                anchors { left: parent.left; right: parent.right; top: toolbar.bottom }
                // Not anchored to the bottom: while the page is hidden its size is 0, and a negative
                // height made the view create and cancel delegates (a DelegateModel warning).
                height: Math.max(0, parent.height - toolbar.height)
                // No delegates made ahead in the background: a catalog refresh that shrinks the list
                // while one is being made logs "DelegateModel::cancel: index out range".
                cacheBuffer: 0
                clip: true
                spacing: 12
                model: catalog
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {}
                header: Item { height: 16 }
                footer: Item { height: 24 }
                delegate: CatalogEntry {
                    width: Math.min(list.width - 48, Theme.contentMaxWidth + 80)
                    x: (list.width - width) / 2
                    expanded: page.expandedId === catalogId
                    onToggleDetails: page.expandedId = expanded ? "" : catalogId
                    onUsed: page.backRequested()
                    onDownloadRefused: (error) => page.messageRequested(qsTr("Could not start the download"), error)
                }

                ColumnLayout {
                    visible: catalog.count === 0
                    anchors.centerIn: parent
                    width: Math.min(parent.width - 48, 420)
                    spacing: 10
                    Label {
                        Layout.fillWidth: true
                        horizontalAlignment: Text.AlignHCenter
                        text: catalog.totalCount === 0 ? qsTr("No catalog loaded.") : qsTr("No model matches the search and filters.")
                        color: Theme.textMuted
                        wrapMode: Text.Wrap
                    }
                    TButton {
                        visible: catalog.totalCount > 0
                        Layout.alignment: Qt.AlignHCenter
                        text: qsTr("Clear search and filters")
                        onClicked: page.clearFilters()
                    }
                }
            }
        }

        // Installed.
        ScrollView {
            id: installedScroll
            visible: page.tab === 1
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            contentHeight: installedList.implicitHeight + 40
            clip: true
            InstalledModels {
                id: installedList
                width: Math.min(installedScroll.availableWidth - 48, Theme.contentMaxWidth + 80)
                x: (installedScroll.availableWidth - width) / 2
                y: 16
                onUsed: page.backRequested()
                onImportRequested: page.importRequested()
                onMessageRequested: (title, text) => page.messageRequested(title, text)
            }
        }

        // Downloads.
        ScrollView {
            id: downloadsScroll
            visible: page.tab === 2
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            contentHeight: downloadsList.implicitHeight + 40
            clip: true
            DownloadsList {
                id: downloadsList
                width: Math.min(downloadsScroll.availableWidth - 48, Theme.contentMaxWidth + 80)
                x: (downloadsScroll.availableWidth - width) / 2
                y: 16
                onUsed: page.backRequested()
            }
        }
    }
}
