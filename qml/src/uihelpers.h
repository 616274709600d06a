#pragma once
// UiHelpers: small pure functions the views bind to (exposed as the `Ui` singleton), so QML
// holds no logic of its own: status labels, section titles, message times. (Avatar initials
// and colours come from the models' roles, one derivation in presence/identity.h.)
#include <QDateTime>
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include "presencestatus.h"

namespace Hallway {

class UiHelpers : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(Ui)
    QML_SINGLETON

public:
    explicit UiHelpers(QObject *parent = nullptr);

    // The status a word names, for views that decide on it: Ui.presenceStatus(status) ===
    // PresenceStatus.Away. Unknown for "" and "unknown", Custom for words of a custom state.
    Q_INVOKABLE static Hallway::PresenceStatus::Status presenceStatus(const QString &status);
    // A custom state's word ("ready"): not empty and none of online, away, busy, typing.
    Q_INVOKABLE static bool isCustomStatus(const QString &status);
    // The manual status choices in menu order (automatic, online, away, busy).
    Q_INVOKABLE static QStringList manualStatuses();
    // "Online", "Away", "Busy", "Typing", "Status unknown"; custom states are returned as they are.
    Q_INVOKABLE static QString statusLabel(const QString &status);
    // The label of a manual status choice: "Automatic", "Online", "Away", "Busy".
    Q_INVOKABLE static QString manualStatusLabel(const QString &manualStatus);
    // A message time: the locale's short time without seconds ("09:24", "9:24 AM").
    Q_INVOKABLE static QString time(const QDateTime &timestamp);
    // People panel section title for a statusRank (0 online, 1 away, 2 busy).
    Q_INVOKABLE static QString sectionTitle(int statusRank);
    // Message text for a rich-text view: everything escaped (it stays plain text), only
    // https addresses become links. hasLink() tells whether there is any.
    Q_INVOKABLE static QString linkify(const QString &text);
    Q_INVOKABLE static bool hasLink(const QString &text);
    // A date separator's label from a day key "yyyy-MM-dd": "Today", "Yesterday", or the
    // locale's long date.
    Q_INVOKABLE static QString dayLabel(const QString &day);
};

} // namespace Hallway
