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
    signal catalogRequested()
    signal editSubmitted()

    // A Flickable over a Column of every message (not a ListView): each message has its real height
    // from the start, so the content height only changes when content changes and following the
    // end of a streaming answer cannot feed back into layout (a ListView's estimated delegate
    // heights made long chats re-layout forever).
    Flickable {
        id: list
        objectName: "messageList"
        anchors.fill: parent
        visible: count > 0
        clip: true
        readonly property int count: repeater.count
        contentWidth: width
        contentHeight: column.implicitHeight + 44
        boundsBehavior: Flickable.StopAtBounds
        // Mouse drags select text in the answers; the wheel and the scroll bar scroll.
        interactive: false
        ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded; minimumSize: 0.05 }

        readonly property real endY: Math.max(0, contentHeight - height)
        // True while the view should stay at the newest text.
        property bool follow: true
        property bool autoScrolling: false
        function toEnd() {
            autoScrolling = true
            contentY = endY
            autoScrolling = false
        }
        function scrollTo(y) {
            autoScrolling = true
            contentY = Math.max(0, Math.min(endY, y))
            autoScrolling = false
            follow = contentY >= endY - 2
        }
        // The user scrolled (scroll bar): keep following only at the very end.
        onContentYChanged: if (!autoScrolling) follow = contentY >= endY - 2
        onEndYChanged: if (follow) toEnd()

        Column {
            id: column
            y: 20
            width: list.width
            spacing: 6
            Repeater {
                id: repeater
                model: chat.messages
                onCountChanged: { list.follow = true; Qt.callLater(list.toEnd) }
                delegate: MessageBubble {
                    width: column.width
                    isLast: index === repeater.count - 1
                    onEditSubmitted: view.editSubmitted()
                }
            }
        }

        WheelHandler {
            acceptedDevices: PointerDevice.Mouse | PointerDevice.TouchPad
            onWheel: (event) => {
                const dy = event.pixelDelta.y !== 0 ? event.pixelDelta.y : event.angleDelta.y / 120 * 60
                list.scrollTo(list.contentY - dy)
            }
        }
        Keys.onPressed: (event) => {
            if (event.key === Qt.Key_PageDown) { list.scrollTo(list.contentY + list.height * 0.9); event.accepted = true }
            else if (event.key === Qt.Key_PageUp) { list.scrollTo(list.contentY - list.height * 0.9); event.accepted = true }
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
        visible: list.visible && !list.follow && list.contentY < list.endY - 2
        text: qsTr("↓ Jump to latest")
        onClicked: { list.follow = true; list.toEnd() }
    }

    EmptyState {
        anchors.fill: parent
        visible: list.count === 0
        onSuggestionChosen: (text) => view.suggestionChosen(text)
        onImportRequested: view.importRequested()
        onCatalogRequested: view.catalogRequested()
    }
}
