// Colours, sizes and fonts shared by every screen (light theme, WCAG AA contrast for text).
pragma Singleton
import QtQuick

QtObject {
    readonly property color window: "#ffffff"
    readonly property color sidebar: "#f4f5f7"
    readonly property color surface: "#ffffff"
    readonly property color surfaceAlt: "#f7f8fa"
    readonly property color hover: "#e9ebef"
    readonly property color selected: "#dfe6f6"
    readonly property color border: "#dcdfe4"
    readonly property color borderStrong: "#b9bec7"
    readonly property color text: "#1c1f24"
    readonly property color textMuted: "#555d6b"
    readonly property color textFaint: "#6b7280"
    readonly property color accent: "#2456d6"
    readonly property color accentHover: "#1c47b5"
    readonly property color accentSoft: "#e7eefc"
    readonly property color accentText: "#ffffff"
    readonly property color userBubble: "#eef2fb"
    readonly property color danger: "#b42318"
    readonly property color dangerSoft: "#fdecea"
    readonly property color warning: "#8a5a00"
    readonly property color warningSoft: "#fff6e0"
    readonly property color success: "#17753a"
    readonly property color codeBackground: "#f6f8fa"
    readonly property color codeHeader: "#eceff3"
    readonly property color disabledText: "#9aa1ad"
    readonly property color disabledBg: "#eceef1"

    // Chart series, one per model × backend (the Okabe–Ito colour-blind-safe set, accent first).
    readonly property var chartColors: ["#2456d6", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7a5195", "#3f3f3f"]

    readonly property int radius: 8
    readonly property int radiusLarge: 12
    readonly property int spacing: 8
    readonly property int padding: 16
    readonly property int sidebarWidth: 272
    readonly property int sidebarWidthNarrow: 220
    readonly property int contentMaxWidth: 820

    readonly property int fontSize: 14
    readonly property int fontSmall: 12
    readonly property int fontLarge: 16
    readonly property int fontTitle: 20
    readonly property string monoFamily: Qt.platform.os === "windows" ? "Consolas" : Qt.platform.os === "osx" ? "Menlo" : "monospace"
}
