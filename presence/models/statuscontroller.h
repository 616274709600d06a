#pragma once
// StatusController: our own presence status as the person chose it. manualStatus is
// "automatic" | "online" | "away" | "busy" (the app persists it); effectiveStatus is
// "online" | "away" | "busy": a manual choice wins, otherwise "away" while the
// ActivityMonitor reports idle and "online" when not. The Session owns one (Session.status)
// and hands effectiveStatus to every room's TypingPublisher as its base status, which
// publishes it to the room (and the client republishes it after every rejoin).
#include "activitymonitor.h"
#include "presencestatus.h"

#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace Hallway {

class StatusController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString manualStatus READ manualStatus WRITE setManualStatus NOTIFY manualStatusChanged)
    Q_PROPERTY(QString effectiveStatus READ effectiveStatus NOTIFY effectiveStatusChanged)
    Q_PROPERTY(Hallway::ActivityMonitor *activity READ activity WRITE setActivity NOTIFY activityChanged)
    Q_PROPERTY(QStringList manualStatuses READ manualStatuses CONSTANT)

public:
    explicit StatusController(QObject *parent = nullptr);

    QString manualStatus() const { return m_manual; }
    void setManualStatus(const QString &status); // anything else is refused with a warning
    QString effectiveStatus() const { return m_effective; }
    ActivityMonitor *activity() const { return m_activity; }
    void setActivity(ActivityMonitor *monitor);
    static QStringList manualStatuses(); // PresenceStatus::manualChoiceWords()

Q_SIGNALS:
    void manualStatusChanged();
    void effectiveStatusChanged();
    void activityChanged();

private:
    void update();

    QString m_manual = PresenceStatus::word(PresenceStatus::Automatic);
    QString m_effective = PresenceStatus::word(PresenceStatus::Online);
    QPointer<ActivityMonitor> m_activity;
    QMetaObject::Connection m_idleConnection;
};

} // namespace Hallway
