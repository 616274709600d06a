import QtQuick
import Hallway

// The presence dot drawn on an avatar: online green, away amber, busy red, typing = online
// colour (the typing mark is drawn by the avatar), custom states ("ready", game states) count
// as present; nothing known (no word, "unknown", "offline") is grey.
Rectangle {
    id: dot

    required property string status
    // The colour of what the dot sits on, for the ring that separates it from the avatar.
    property color ringColor: Theme.base

    readonly property int presence: Ui.presenceStatus(status)
    // What the dot shows: PresenceStatus.Away, .Busy, .Unknown or .Online (everything else).
    readonly property int kind: presence === PresenceStatus.Away || presence === PresenceStatus.Busy ? presence
                              : presence === PresenceStatus.Unknown || presence === PresenceStatus.Offline
                                ? PresenceStatus.Unknown
                              : PresenceStatus.Online

    implicitWidth: 12
    implicitHeight: 12
    radius: width / 2
    color: kind === PresenceStatus.Away ? Theme.away
         : kind === PresenceStatus.Busy ? Theme.busy
         : kind === PresenceStatus.Unknown ? Theme.unknown
         : Theme.online
    border.width: Math.max(2, width / 6)
    border.color: ringColor

    Accessible.role: Accessible.Indicator
    Accessible.name: kind === PresenceStatus.Away ? qsTr("Away")
                   : kind === PresenceStatus.Busy ? qsTr("Busy")
                   : kind === PresenceStatus.Unknown ? qsTr("Status unknown")
                   : qsTr("Online")
}
