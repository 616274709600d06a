#pragma once
// UiHelpers: small pure functions the views bind to (exposed as the `Ui` singleton), so QML
// holds no logic of its own: initials and a stable hue for a sender, status labels.
#include <QDateTime>
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace Hallway {

class UiHelpers : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(Ui)
    QML_SINGLETON

public:
    explicit UiHelpers(QObject *parent = nullptr);

    // Up to two letters from the first two words ("Ada Lovelace" -> "AL"); "?" if none.
    Q_INVOKABLE static QString initials(const QString &name);
    // 0..359, stable for a given id (FNV-1a), for coloured initials.
    Q_INVOKABLE static int hue(const QString &id);
    // "Online", "Away", "Busy", "Typing", "Status unknown"; custom states are returned as they are.
    Q_INVOKABLE static QString statusLabel(const QString &status);
    // The label of a manual status choice: "Automatic", "Online", "Away", "Busy".
    Q_INVOKABLE static QString manualStatusLabel(const QString &manualStatus);
    // A message time: the locale's short time without seconds ("09:24", "9:24 AM").
    Q_INVOKABLE static QString time(const QDateTime &timestamp);
    // People panel section title for a statusRank (0 online, 1 busy, 2 away).
    Q_INVOKABLE static QString sectionTitle(int statusRank);
};

} // namespace Hallway
