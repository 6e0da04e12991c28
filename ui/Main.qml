// The window: conversation sidebar on the left; on the right either the chat (header with model
// selector, Models, downloads, export, settings; notices, messages, composer) or the Models page
// (catalog, installed models, downloads). Dialogs, drag-and-drop import and keyboard shortcuts
// live here because every page uses them.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import QtQuick.Dialogs
import "."

ApplicationWindow {
    id: window
    width: 1100
    height: 720
    minimumWidth: 720
    minimumHeight: 460
    visible: true
    title: "Tern"
    color: Theme.window
    font.pixelSize: Theme.fontSize

    // "chat", "models" (CatalogPage) or "stats" (StatsPage).
    property string page: "chat"
    function openStats() { page = "stats" }
    function openCatalog(tab) {
        catalogPage.tab = tab
        page = "models"
    }
    function showChat() {
        page = "chat"
        composer.focusInput()
    }

    // Imports a .gguf (path or file:// URL) and selects it; errors go to a dialog.
    function importModel(url) {
        const error = models.importFile(url.toString())
        if (error !== "") {
            messageDialog.show(qsTr("Could not import the model"), error)
            return
        }
        const parts = decodeURIComponent(url.toString()).split(/[\\/]/)
        const id = parts[parts.length - 1]
        chat.selectModel(id)
    }
    // Qt's own (non-native) FileDialog needs the Qt.labs.folderlistmodel module; opening it
    // without that module crashes, so ask for a typed path instead.
    readonly property bool fileDialogUsable: {
        try {
            Qt.createQmlObject("import Qt.labs.folderlistmodel\nFolderListModel {}", window, "probe").destroy()
            return true
        } catch (e) {
            return false
        }
    }
    function openImport() {
        if (fileDialogUsable) {
            importDialog.open()
            return
        }
        pathDialog.mode = "import"
        pathDialog.title = qsTr("Import a GGUF model")
        pathDialog.message = qsTr("Path of the .gguf file to import:")
        pathDialog.path = ""
        pathDialog.open()
    }
    // A file name from the title: "Once upon a time" -> "Once upon a time.md".
    function exportName(title, format) {
        const base = title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, " ").replace(/\s+/g, " ").trim()
        return (base !== "" ? base.slice(0, 60) : "conversation") + "." + format
    }
    function exportConversation(id, format, title) {
        if (fileDialogUsable) {
            exportDialog.conversationId = id
            exportDialog.format = format
            exportDialog.selectedFile = exportDialog.currentFolder + "/" + encodeURIComponent(exportName(title, format))
            exportDialog.open()
            return
        }
        pathDialog.mode = "export"
        pathDialog.conversationId = id
        pathDialog.format = format
        pathDialog.title = format === "json" ? qsTr("Export conversation as JSON") : qsTr("Export conversation as Markdown")
        pathDialog.message = qsTr("Save to this file:")
        pathDialog.path = exportName(title, format)
        pathDialog.open()
    }
    function writeExport(id, file, format) {
        let f = file.toString()
        if (!f.toLowerCase().endsWith("." + format))
            f += "." + format
        const error = chat.exportConversation(id, f, format)
        if (error !== "")
            messageDialog.show(qsTr("Export failed"), error)
    }
    function newChat() {
        page = "chat"
        chat.newConversation()
        composer.focusInput()
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            id: sidebar
            Layout.preferredWidth: window.width < 960 ? Theme.sidebarWidthNarrow : Theme.sidebarWidth
            Layout.fillHeight: true
            onNewChatRequested: window.newChat()
            onStatsRequested: window.openStats()
            onExportRequested: (id, format, title) => window.exportConversation(id, format, title)
        }
        Rectangle { Layout.fillHeight: true; Layout.preferredWidth: 1; color: Theme.border }

        ColumnLayout {
            visible: window.page === "chat"
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            ChatHeader {
                Layout.fillWidth: true
                onCatalogRequested: window.openCatalog(0)
                onStatsRequested: window.openStats()
                onDownloadsRequested: window.openCatalog(2)
                onSettingsRequested: settingsPage.open()
                onImportRequested: window.openImport()
                onExportRequested: (format) => window.exportConversation(chat.currentConversationId, format, chat.currentTitle)
            }
            NoticeBanner {
                id: startupBanner
                objectName: "startupNotice"
                Layout.fillWidth: true
                kind: "warning"
                text: typeof startupNotice === "string" ? startupNotice : ""
            }
            NoticeBanner {
                objectName: "statusBanner"
                Layout.fillWidth: true
                // A model that failed to load or an answer that failed; loading shows in the header.
                kind: "error"
                text: chat.status !== "" && !chat.modelLoading ? chat.status : ""
            }
            ChatView {
                id: chatView
                Layout.fillWidth: true
                Layout.fillHeight: true
                onSuggestionChosen: (text) => composer.setText(text)
                onImportRequested: window.openImport()
                onCatalogRequested: window.openCatalog(0)
                onEditSubmitted: composer.focusInput()
            }
            Composer {
                id: composer
                Layout.fillWidth: true
            }
        }

        CatalogPage {
            id: catalogPage
            visible: window.page === "models"
            Layout.fillWidth: true
            Layout.fillHeight: true
            onBackRequested: window.showChat()
            onImportRequested: window.openImport()
            onMessageRequested: (title, text) => messageDialog.show(title, text)
        }

        // Created on the first visit: its charts need Qt Charts (and the QApplication main() makes).
        Loader {
            id: statsLoader
            objectName: "statsLoader"
            active: window.page === "stats" || item !== null
            visible: window.page === "stats"
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: StatsPage {
                onBackRequested: window.showChat()
                onExportRequested: (what) => window.exportStats(what)
            }
        }
    }

    // CSV export of the Stats page: "table" (the comparison) or "records" (every generation).
    function exportStats(what) {
        const name = what === "table" ? "tern-speed-comparison.csv" : "tern-generations.csv"
        if (fileDialogUsable) {
            csvDialog.what = what
            csvDialog.selectedFile = csvDialog.currentFolder + "/" + name
            csvDialog.open()
            return
        }
        pathDialog.mode = what === "table" ? "statsTable" : "statsRecords"
        pathDialog.title = what === "table" ? qsTr("Export the comparison table") : qsTr("Export all records")
        pathDialog.message = qsTr("Save to this file:")
        pathDialog.path = name
        pathDialog.open()
    }
    function writeStats(what, file) {
        let f = file.toString()
        if (!f.toLowerCase().endsWith(".csv"))
            f += ".csv"
        const error = what === "table" ? stats.exportComparisonCsv(f) : stats.exportRecordsCsv(f)
        if (error !== "")
            messageDialog.show(qsTr("Export failed"), error)
    }

    SettingsPage { id: settingsPage }

    FileDialog {
        id: importDialog
        title: qsTr("Import a GGUF model")
        fileMode: FileDialog.OpenFile
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: window.importModel(selectedFile)
    }

    FileDialog {
        id: exportDialog
        property var conversationId: 0
        property string format: "md"
        title: format === "json" ? qsTr("Export conversation as JSON") : qsTr("Export conversation as Markdown")
        fileMode: FileDialog.SaveFile
        defaultSuffix: format
        nameFilters: format === "json" ? [qsTr("JSON (*.json)")] : [qsTr("Markdown (*.md)")]
        onAccepted: window.writeExport(conversationId, selectedFile, format)
    }

    FileDialog {
        id: csvDialog
        property string what: "table"
        title: what === "table" ? qsTr("Export the comparison table") : qsTr("Export all records")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "csv"
        nameFilters: [qsTr("CSV (*.csv)")]
        onAccepted: window.writeStats(what, selectedFile)
    }

    PathDialog {
        id: pathDialog
        property string mode: "import"   // "import" | "export" | "statsTable" | "statsRecords"
        property var conversationId: 0
        property string format: "md"
        onChosen: (path) => {
            if (mode === "import") window.importModel(path)
            else if (mode === "export") window.writeExport(conversationId, path, format)
            else window.writeStats(mode === "statsTable" ? "table" : "records", path)
        }
    }

    InfoDialog { id: messageDialog }

    // Choosing a conversation in the sidebar (even the open one) loads its messages: show the chat.
    // A rename or a finished answer does not reload them, so the Models page stays.
    Connections {
        target: chat.messages
        function onModelReset() { window.page = "chat" }
    }
    Connections {
        target: chat
        // Store errors (rename, delete, save) have no other place on screen; model and answer
        // errors are already in the status banner.
        function onErrorOccurred(message) {
            if (message !== chat.status)
                messageDialog.show(qsTr("Something went wrong"), message)
        }
    }

    DropArea {
        id: drop
        anchors.fill: parent
        property bool ggufDrag: false
        function ggufUrls(urls) {
            const out = []
            for (let i = 0; i < urls.length; ++i)
                if (urls[i].toString().toLowerCase().endsWith(".gguf"))
                    out.push(urls[i])
            return out
        }
        onEntered: (drag) => {
            ggufDrag = drag.hasUrls && ggufUrls(drag.urls).length > 0
            if (!ggufDrag)
                drag.accepted = false
        }
        onExited: ggufDrag = false
        onDropped: (drop) => {
            ggufDrag = false
            for (const u of ggufUrls(drop.urls))
                window.importModel(u)
            drop.acceptProposedAction()
        }
        Rectangle {
            anchors.fill: parent
            anchors.margins: 12
            visible: drop.ggufDrag
            radius: Theme.radiusLarge
            color: Qt.rgba(0.14, 0.34, 0.84, 0.08)
            border.color: Theme.accent
            border.width: 2
            Label {
                anchors.centerIn: parent
                text: qsTr("Drop to import the model")
                font.pixelSize: Theme.fontTitle
                color: Theme.accent
            }
        }
    }

    // Application-wide: the app has one window, and a window shortcut needs the window manager to
    // report focus (it does not without one, e.g. under Xvfb in tests).
    Shortcut {
        sequence: "Ctrl+N"
        context: Qt.ApplicationShortcut
        onActivated: window.newChat()
    }
    Shortcut {
        sequence: "Ctrl+F"
        context: Qt.ApplicationShortcut
        onActivated: window.page === "models" ? catalogPage.focusSearch() : sidebar.focusSearch()
    }
    Shortcut {
        sequence: "Esc"
        context: Qt.ApplicationShortcut
        // Esc closes the settings drawer first.
        enabled: chat.generating && !settingsPage.visible && window.page === "chat"
        onActivated: chat.stop()
    }
    Shortcut {
        sequence: "Esc"
        context: Qt.ApplicationShortcut
        enabled: window.page === "models" && !settingsPage.visible && !messageDialog.visible && !catalogPage.dialogOpen
        onActivated: window.showChat()
    }
    Shortcut {
        sequence: "Esc"
        context: Qt.ApplicationShortcut
        enabled: window.page === "stats" && !settingsPage.visible && !messageDialog.visible && !pathDialog.visible
        onActivated: window.showChat()
    }
    Shortcut {
        sequence: "Ctrl+,"
        context: Qt.ApplicationShortcut
        onActivated: settingsPage.open()
    }
    Shortcut {
        sequence: StandardKey.Quit
        context: Qt.ApplicationShortcut
        onActivated: Qt.quit()
    }

    Component.onCompleted: composer.focusInput()
}
