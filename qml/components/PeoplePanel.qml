import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// The right-hand panel: everyone in the room, grouped Online / Away / Busy (by the model's
// statusRank), sorted by name inside a group. While our link is down (presenceKnown false)
// the people stay listed, greyed, as "status unknown" (usermodel.h, rule g). The list is one
// Tab stop; arrow keys move inside it.
Pane {
    id: panel

    required property var users     // UserModel or a stand-in ListModel with its roles
    property alias filterText: filter.text
    property bool presenceKnown: true
    property bool overlay: false // drawn over the room (narrow windows)
    // Made with the first person shown, then kept (see the list's Loader).
    property bool listMade: false

    readonly property bool hasPeople: sorted.count > 0
    onHasPeopleChanged: if (hasPeople) listMade = true
    Component.onCompleted: if (hasPeople) listMade = true

    padding: 0
    background: Rectangle {
        color: Theme.sidebar
        Rectangle { width: 1; height: parent.height; color: Theme.separator }
        // Over the room: a shadow edge so it reads as a panel on top.
        Rectangle {
            visible: panel.overlay
            anchors.right: parent.left
            width: 6
            height: parent.height
            gradient: Gradient {
                orientation: Gradient.Horizontal
                GradientStop { position: 0; color: "transparent" }
                GradientStop { position: 1; color: Qt.rgba(0, 0, 0, 0.12) }
            }
        }
    }

    PeopleSortModel {
        id: sorted
        // Hidden, the overlay sorts nothing: a big room costs its proxy on every insert.
        sourceModel: panel.overlay && !panel.visible ? null : panel.users
        filterText: filter.text
    }

    // Section headings, made by the list but declared here, outside its Loader: declared inside,
    // a heading the list reused for another section kept its old title (Qt 6.4; tst_gui's
    // Online -> Away move showed "Online" twice).
    Component {
        id: sectionHeading
        // The heading role sits on a plain Item: Qt 6.4 reports every Label as static text
        // whatever its Accessible.role, and screen readers jump between headings.
        Item {
            id: sectionHeader
            required property string section
            width: ListView.view.width
            height: sectionLabel.implicitHeight
            Accessible.role: Accessible.Heading
            Accessible.name: Ui.sectionTitle(Number(section))
            Label {
                id: sectionLabel
                width: parent.width
                leftPadding: Theme.largeSpacing
                topPadding: Theme.spacing + 4
                bottomPadding: 4
                text: Ui.sectionTitle(Number(sectionHeader.section)).toUpperCase()
                font.pointSize: Qt.application.font.pointSize * 0.8
                font.weight: Font.DemiBold
                font.letterSpacing: 0.6
                color: Theme.mutedText
                Accessible.ignored: true
            }
        }
    }

    contentItem: ColumnLayout {
        spacing: 0

        Label {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.largeSpacing
            Layout.topMargin: Theme.largeSpacing
            Layout.bottomMargin: Theme.spacing
            text: qsTr("People")
            font.weight: Font.DemiBold
            font.pointSize: Qt.application.font.pointSize * 1.1
        }

        Label {
            objectName: "presenceUnknownNote"
            visible: !panel.presenceKnown
            Layout.fillWidth: true
            Layout.leftMargin: Theme.largeSpacing
            Layout.rightMargin: Theme.spacing
            Layout.bottomMargin: Theme.smallSpacing
            wrapMode: Text.Wrap
            text: qsTr("Offline: who was here when the connection dropped.")
            color: Theme.mutedText
            font.pointSize: Qt.application.font.pointSize * 0.85
        }

        TextField {
            id: filter
            objectName: "peopleFilter"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing + 4
            Layout.rightMargin: Theme.spacing + 4
            Layout.bottomMargin: Theme.smallSpacing
            placeholderText: qsTr("Find people")
            Accessible.name: qsTr("Find people")
            Keys.onEscapePressed: clear()
        }

        // The list is made once there is someone to show, and asynchronously: its first
        // screenful of rows (a big room's first frame of people) is then made over several
        // turns and shown at once when complete, instead of freezing one frame. Later rows
        // (scrolling, filtering, a room switch) are made by the list as usual.
        Loader {
            id: peopleLoader
            Layout.fillWidth: true
            Layout.fillHeight: true
            asynchronous: true
            active: panel.listMade
            sourceComponent: Component {
                ListView {
                    id: people
                    objectName: "peopleList"
                    clip: true
                    model: sorted
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    // No current row until the list has the focus: the view keeps a current row
                    // in sight, so people inserted before it (a big room loading) would scroll the
                    // list away from its top. Focused, the first row in sight becomes current.
                    currentIndex: -1
                    onActiveFocusChanged: {
                        if (activeFocus && currentIndex < 0 && count > 0)
                            currentIndex = firstRowInSight();
                    }
                    function firstRowInSight() {
                        for (let y = contentY; y < contentY + height; y += 8) {
                            const row = indexAt(width / 2, y);
                            if (row >= 0)
                                return row;
                        }
                        return 0;
                    }
                    // The view's (invisible) highlight follows the current row at once. Animated, it
                    // crawled at 400 px/s after the current row, which people inserted before it push
                    // thousands of rows down in a big room: frames at 60/s for minutes while idle.
                    highlightMoveDuration: 0
                    // A new search shows its matches from the first. Typed letter by letter into
                    // a big room, each narrowing removed the rows in sight, and the list was left
                    // part way down the matches. Later: the proxy filters after it signals.
                    Connections {
                        target: sorted
                        function onFilterTextChanged() { Qt.callLater(people.showFromTheFirst) }
                    }
                    function showFromTheFirst() { positionViewAtBeginning() }
                    boundsBehavior: Flickable.StopAtBounds
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("People in this room")
                    ScrollBar.vertical: ScrollBar {}

                    section.property: "statusRank"
                    section.criteria: ViewSection.FullString
                    section.delegate: sectionHeading

                    delegate: PersonDelegate {
                        presenceKnown: panel.presenceKnown
                        highlightedByKeys: ListView.isCurrentItem && people.activeFocus
                    }

                    Rectangle { // keyboard focus on the list shows
                        parent: people
                        anchors.fill: parent
                        color: "transparent"
                        border.width: 2
                        border.color: Theme.accent
                        radius: 2
                        visible: people.activeFocus
                        z: 3
                    }
                }
            }

            Label {
                objectName: "peopleEmpty"
                // Where the list is, over it. While the list is being made there are people: no note.
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.largeSpacing
                z: 1
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                visible: peopleLoader.item ? peopleLoader.item.count === 0 : sorted.count === 0
                text: filter.text !== "" ? qsTr("No matches for “%1”.").arg(filter.text) : qsTr("Nobody here yet.")
                textFormat: Text.PlainText
                Accessible.role: Accessible.StaticText
                Accessible.name: text
                color: Theme.faintText
            }
        }
    }
}
