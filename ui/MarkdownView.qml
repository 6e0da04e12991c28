// An answer's Markdown. Qt's Markdown renderer puts no space between paragraphs and gives code
// blocks no frame, so the text is cut into blocks here: paragraphs/lists/tables/headings
// (each rendered by TextEdit.MarkdownText, with spacing between them) and fenced code blocks
// (monospace in a frame with the language and a Copy button). While an answer streams only the
// last block changes; the blocks before it keep their items.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

ColumnLayout {
    id: md
    property string text: ""
    property color textColor: Theme.text
    property int fontSize: Theme.fontSize + 1
    spacing: 10

    ListModel { id: blocks }

    onTextChanged: sync()
    Component.onCompleted: sync()

    // [{kind: "text"|"code", lang, body}]
    function parse(src) {
        const lines = src.replace(/\r\n?/g, "\n").split("\n")
        const out = []
        let group = []
        let groups = []
        const isList = g => /^\s{0,3}([-*+]|\d{1,9}[.)])\s/.test(g)
        const isIndented = g => /^(\s{2,}|\t)\S/.test(g)
        function flushGroup() {
            if (group.length) groups.push(group.join("\n"))
            group = []
        }
        function flushText() {
            flushGroup()
            const merged = []
            for (const g of groups) {
                // Items of a loose list (blank lines between them) stay one list.
                if (merged.length && isList(merged[merged.length - 1]) && (isList(g) || isIndented(g)))
                    merged[merged.length - 1] += "\n" + g
                else
                    merged.push(g)
            }
            for (const g of merged) out.push({ kind: "text", lang: "", body: g })
            groups = []
        }
        let i = 0
        while (i < lines.length) {
            const line = lines[i]
            const fence = line.match(/^\s{0,3}(`{3,}|~{3,})\s*([^`\s]*)/)
            if (fence) {
                flushText()
                const ch = fence[1][0], len = fence[1].length
                const body = []
                ++i
                while (i < lines.length) {
                    const close = lines[i].match(/^\s{0,3}(`{3,}|~{3,})\s*$/)
                    if (close && close[1][0] === ch && close[1].length >= len) break
                    body.push(lines[i])
                    ++i
                }
                ++i  // the closing fence (absent while the answer is still streaming)
                out.push({ kind: "code", lang: fence[2], body: body.join("\n") })
                continue
            }
            if (line.trim() === "") {
                flushGroup()
            } else if (/^\s{0,3}#{1,6}(\s|$)/.test(line)) {
                flushGroup()
                group.push(line)
                flushGroup()
            } else {
                group.push(line)
            }
            ++i
        }
        flushText()
        return out
    }

    function sync() {
        const list = parse(text)
        for (let i = 0; i < list.length; ++i) {
            if (i >= blocks.count) {
                blocks.append(list[i])
                continue
            }
            const b = blocks.get(i)
            if (b.kind !== list[i].kind || b.lang !== list[i].lang) blocks.set(i, list[i])
            else if (b.body !== list[i].body) blocks.setProperty(i, "body", list[i].body)
        }
        if (blocks.count > list.length)
            blocks.remove(list.length, blocks.count - list.length)
    }

    Repeater {
        model: blocks
        delegate: Item {
            id: block
            required property string kind
            required property string lang
            required property string body
            Layout.fillWidth: true
            implicitHeight: kind === "code" ? codeBox.height : prose.implicitHeight

            TextEdit {
                id: prose
                visible: block.kind === "text"
                width: parent.width
                text: block.kind === "text" ? block.body : ""
                textFormat: TextEdit.MarkdownText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: md.textColor
                selectionColor: Theme.accent
                selectedTextColor: Theme.accentText
                font.pixelSize: md.fontSize
                onLinkActivated: (link) => Qt.openUrlExternally(link)
                HoverHandler { cursorShape: prose.hoveredLink !== "" ? Qt.PointingHandCursor : Qt.IBeamCursor }
            }

            Rectangle {
                id: codeBox
                visible: block.kind === "code"
                width: parent.width
                height: visible ? codeHeader.height + code.implicitHeight + 20 : 0
                radius: Theme.radius
                color: Theme.codeBackground
                border.color: Theme.border

                Rectangle {
                    id: codeHeader
                    width: parent.width
                    height: 30
                    radius: Theme.radius
                    color: Theme.codeHeader
                    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: Theme.radius; color: parent.color }
                    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
                    Label {
                        anchors.left: parent.left
                        anchors.leftMargin: 12
                        anchors.verticalCenter: parent.verticalCenter
                        text: block.lang !== "" ? block.lang : qsTr("code")
                        font.pixelSize: Theme.fontSmall
                        font.family: Theme.monoFamily
                        color: Theme.textMuted
                    }
                    TButton {
                        id: copyCode
                        objectName: "copyCodeButton"
                        property bool copied: false
                        anchors.right: parent.right
                        anchors.rightMargin: 4
                        anchors.verticalCenter: parent.verticalCenter
                        text: copied ? qsTr("Copied ✓") : qsTr("Copy code")
                        subtle: true
                        compact: true
                        onClicked: {
                            gui.copyToClipboard(block.body)
                            copied = true
                            copiedTimer.restart()
                        }
                        Timer { id: copiedTimer; interval: 1500; onTriggered: copyCode.copied = false }
                    }
                }
                TextEdit {
                    id: code
                    x: 12
                    y: codeHeader.height + 10
                    width: parent.width - 24
                    text: block.kind === "code" ? block.body : ""
                    textFormat: TextEdit.PlainText
                    wrapMode: TextEdit.Wrap
                    readOnly: true
                    selectByMouse: true
                    color: Theme.text
                    selectionColor: Theme.accent
                    selectedTextColor: Theme.accentText
                    font.family: Theme.monoFamily
                    font.pixelSize: md.fontSize - 2
                }
            }
        }
    }
}
