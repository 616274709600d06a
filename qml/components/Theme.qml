pragma Singleton
import QtQuick

// Colours and metrics shared by the views. Follows the application palette (the system
// palette with the Fusion style), so light and dark desktops both work; presence colours are
// fixed hues picked to read on both.
QtObject {
    id: theme

    readonly property SystemPalette palette: SystemPalette { colorGroup: SystemPalette.Active }
    readonly property bool dark: palette.window.hslLightness < 0.5

    // Presence (docs/design.md): online green, away amber, busy red, unknown grey.
    readonly property color online: dark ? "#3ccf8e" : "#2a9d63"
    readonly property color away: dark ? "#f2b33d" : "#e39b0b"
    readonly property color busy: dark ? "#f2647c" : "#d9304f"
    readonly property color unknown: dark ? "#8b9098" : "#9aa0a6"

    // Surfaces
    readonly property color window: palette.window
    readonly property color base: palette.base
    readonly property color text: palette.windowText
    readonly property color mutedText: Qt.rgba(text.r, text.g, text.b, 0.62)
    readonly property color faintText: Qt.rgba(text.r, text.g, text.b, 0.45)
    readonly property color sidebar: dark ? Qt.darker(palette.window, 1.25) : Qt.darker(palette.window, 1.045)
    readonly property color separator: Qt.rgba(text.r, text.g, text.b, dark ? 0.14 : 0.11)
    readonly property color hover: Qt.rgba(text.r, text.g, text.b, 0.06)
    readonly property color selected: Qt.rgba(palette.highlight.r, palette.highlight.g, palette.highlight.b, dark ? 0.35 : 0.16)
    readonly property color accent: palette.highlight
    readonly property color error: dark ? "#ff7b7b" : "#c62828"
    readonly property color warningBg: dark ? "#4a3a12" : "#fff4d6"
    readonly property color errorBg: dark ? "#4a1d22" : "#fde7e9"
    readonly property color infoBg: dark ? "#1d3247" : "#e6f0fb"

    // Metrics (device-independent pixels; Qt scales them at 200%).
    readonly property int spacing: 8
    readonly property int smallSpacing: 4
    readonly property int largeSpacing: 16
    readonly property int sidebarWidth: 248
    readonly property int narrowSidebarWidth: 196
    readonly property int peopleWidth: 248
    readonly property int avatarSize: 36
    readonly property int smallAvatarSize: 28
    readonly property int radius: 6
}
