import QtQuick
import Hallway

// The presence dot drawn on an avatar: online green, away amber, busy red, typing = online
// colour (the typing mark is drawn by the avatar), custom states ("ready", game states) count
// as present; empty or "unknown" is grey.
Rectangle {
    id: dot

    required property string status
    // The colour of what the dot sits on, for the ring that separates it from the avatar.
    property color ringColor: Theme.base

    readonly property string kind: status === "away" ? "away"
                                 : status === "busy" ? "busy"
                                 : (status === "" || status === "unknown" || status === "offline") ? "unknown"
                                 : "online"

    implicitWidth: 12
    implicitHeight: 12
    radius: width / 2
    color: kind === "away" ? Theme.away
         : kind === "busy" ? Theme.busy
         : kind === "unknown" ? Theme.unknown
         : Theme.online
    border.width: Math.max(2, width / 6)
    border.color: ringColor

    Accessible.role: Accessible.Indicator
    Accessible.name: kind === "away" ? qsTr("Away")
                   : kind === "busy" ? qsTr("Busy")
                   : kind === "unknown" ? qsTr("Status unknown")
                   : qsTr("Online")
}
