// The messages of the current conversation, following the end while an answer streams in
// (unless the user scrolled up), or the empty state for a new chat.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Item {
    id: view
    signal suggestionChosen(string text)
    signal importRequested()
    signal editSubmitted()

    ListView {
        id: list
        objectName: "messageList"
        anchors.fill: parent
        visible: count > 0
        clip: true
        model: chat.messages
        spacing: 6
        boundsBehavior: Flickable.StopAtBounds
        // Mouse drags select text in the answers; the wheel and the scroll bar scroll.
        interactive: false
        reuseItems: false
        // Keep the messages around the view instantiated so heights are real, not estimated.
        cacheBuffer: 4000
        header: Item { width: 1; height: 20 }
        footer: Item { width: 1; height: 24 }
        ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded; minimumSize: 0.05 }

        // True while the view should stay at the newest text.
        property bool follow: true
        property bool autoScrolling: false
        function toEnd() {
            // Positioning creates delegates whose real heights replace estimates, which changes
            // contentHeight again: only move when not at the end, or this never settles.
            if (atYEnd) return
            autoScrolling = true
            positionViewAtEnd()
            autoScrolling = false
        }
        // The user scrolled (scroll bar, wheel, keys): keep following only at the very end.
        onContentYChanged: if (!autoScrolling) follow = contentY >= originY + contentHeight - height - 2
        onContentHeightChanged: if (follow) Qt.callLater(toEnd)
        onCountChanged: { follow = true; Qt.callLater(toEnd) }

        delegate: MessageBubble {
            width: ListView.view.width
            isLast: index === ListView.view.count - 1
            onEditSubmitted: view.editSubmitted()
        }

        WheelHandler {
            acceptedDevices: PointerDevice.Mouse | PointerDevice.TouchPad
            onWheel: (event) => {
                const dy = event.pixelDelta.y !== 0 ? event.pixelDelta.y : event.angleDelta.y / 120 * 60
                const top = list.originY
                const bottom = Math.max(top, list.originY + list.contentHeight - list.height)
                list.autoScrolling = true
                list.contentY = Math.max(top, Math.min(bottom, list.contentY - dy))
                list.autoScrolling = false
                list.follow = list.contentY >= bottom - 2
            }
        }
        Keys.onPressed: (event) => {
            if (event.key === Qt.Key_PageDown) { list.contentY = Math.min(list.contentY + list.height * 0.9, list.originY + list.contentHeight - list.height); event.accepted = true }
            else if (event.key === Qt.Key_PageUp) { list.contentY = Math.max(list.originY, list.contentY - list.height * 0.9); event.accepted = true }
            if (event.accepted) list.follow = list.atYEnd
        }
    }

    Connections {
        target: chat
        function onCurrentConversationChanged() {
            list.follow = true
            Qt.callLater(list.toEnd)
        }
    }

    TButton {
        objectName: "scrollToEndButton"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 12
        visible: list.visible && !list.follow && !list.atYEnd
        text: qsTr("↓ Jump to latest")
        onClicked: { list.follow = true; list.toEnd() }
    }

    EmptyState {
        anchors.fill: parent
        visible: list.count === 0
        onSuggestionChosen: (text) => view.suggestionChosen(text)
        onImportRequested: view.importRequested()
    }
}
