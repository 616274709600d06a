import QtQuick
import QtQuick.Controls
import Hallway

// The application window with its Controls palette bound to the system palette, so a light/dark
// switch of the desktop (or an application palette set in C++) reaches every control at once.
ApplicationWindow {
    palette.window: Theme.palette.window
    palette.windowText: Theme.palette.windowText
    palette.base: Theme.palette.base
    palette.alternateBase: Theme.palette.alternateBase
    palette.text: Theme.palette.text
    palette.button: Theme.palette.button
    palette.buttonText: Theme.palette.buttonText
    palette.highlight: Theme.palette.highlight
    palette.highlightedText: Theme.palette.highlightedText
    palette.placeholderText: Theme.palette.placeholderText
    palette.light: Theme.palette.light
    palette.midlight: Theme.palette.midlight
    palette.mid: Theme.palette.mid
    palette.dark: Theme.palette.dark
    palette.shadow: Theme.palette.shadow
    // Setting a role sets it for every colour group: dim the disabled ones ourselves.
    palette.disabled.text: Theme.faintText
    palette.disabled.windowText: Theme.faintText
    palette.disabled.buttonText: Theme.faintText
    palette.disabled.placeholderText: Theme.faintText
    color: Theme.palette.window
}
