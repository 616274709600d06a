import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// The right-hand panel: everyone in the room, grouped Online / Away / Busy (by the model's
// statusRank), sorted by name inside a group.
Pane {
    id: panel

    required property var users     // UserModel or a stand-in ListModel with its roles
    property alias filterText: filter.text

    padding: 0
    background: Rectangle {
        color: Theme.sidebar
        Rectangle { width: 1; height: parent.height; color: Theme.separator }
    }

    PeopleSortModel {
        id: sorted
        sourceModel: panel.users
        filterText: filter.text
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

        ListView {
            id: people
            objectName: "peopleList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: sorted
            activeFocusOnTab: true
            keyNavigationEnabled: true
            boundsBehavior: Flickable.StopAtBounds
            Accessible.role: Accessible.List
            Accessible.name: qsTr("People in this room")
            ScrollBar.vertical: ScrollBar {}

            section.property: "statusRank"
            section.criteria: ViewSection.FullString
            // The heading role sits on a plain Item: Qt 6.4 reports every Label as static text
            // whatever its Accessible.role, and screen readers jump between headings.
            section.delegate: Item {
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

            delegate: PersonDelegate {}

            Label {
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.largeSpacing
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                visible: people.count === 0
                text: filter.text !== "" ? qsTr("Nobody matches.") : qsTr("Nobody here yet.")
                color: Theme.faintText
            }
        }
    }
}
