// The desktop app's QML, loaded in-process exactly as app/hallway does (Hallway::Ui::
// loadMainWindow), offscreen, against a real Redis + @prsm/realtime server, with a second
// person played by a hallway-cli process. Controls are found by their accessible names, the
// way a screen reader (or a person) finds them, never by object names or tree positions.
//
// What it proves, end to end: a peer who joins appears in the people panel; their typing shows
// as "<Name> is typing…" in the typing line; their going away moves them under the Away
// section with an away dot; a message they send shows with the same avatar colour as their
// people-panel row; what we type in the composer and send with Enter reaches them; Tab walks
// sidebar → room view → composer → people panel; Esc closes the status menu and the room
// suggestions; Ctrl+W leaves the room (the peer sees us leave). Token sign-in: a token
// minted for the server's secret, pasted on the connect page, signs in ("Signed in as …", as
// the server tells it) and goes to the keychain (a private gnome-keyring); the next start
// signs in from the keychain by itself; "Change account" deletes it; a --token-file token
// signs in without being saved. The token is never in the settings.
#include "appsettings.h"
#include "appsetup.h"
#include "credentialstore.h"
#include "keyringsession.h"
#include "serverstack.h"
#include "testutil.h"
#include "tokensource.h"

#include <QAccessible>
#include <QDateTime>
#include <QDirIterator>
#include <QMessageAuthenticationCode>
#include <QSignalSpy>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(HallwayPlugin)
Q_IMPORT_QML_PLUGIN(Hallway_PresencePlugin)

namespace {
constexpr int kWaitMs = 10000; // every wait is bounded; a healthy run needs well under a second each
const QString kRoom = QStringLiteral("lobby");
const QString kPeerName = QStringLiteral("Grace Hopper");
// HS256 secret the server checks tokens with (32 bytes at least).
const QByteArray kAuthSecret = QByteArrayLiteral("tst_gui-secret-0123456789abcdef0123456789abcdef");

// A signed sign-in token as an operator's tool would mint it: HS256 JWT with sub, name, exp.
QString mintToken(const QString &userId, const QString &name, qint64 ttlSeconds = 3600)
{
    const auto b64 = [](const QByteArray &data) {
        return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject claims{{QStringLiteral("sub"), userId}, {QStringLiteral("name"), name},
                             {QStringLiteral("iat"), now}, {QStringLiteral("exp"), now + ttlSeconds}};
    const QByteArray input = b64(R"({"alg":"HS256","typ":"JWT"})") + '.'
        + b64(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return QString::fromLatin1(
        input + '.' + b64(QMessageAuthenticationCode::hash(input, kAuthSecret, QCryptographicHash::Sha256)));
}

ServerStack::Options stackOptions()
{
    ServerStack::Options o;
    // Both sign-ins: the dev account for the main window, signed tokens for the token cases.
    o.env.insert(QStringLiteral("HALLWAY_DEV_AUTH"), QStringLiteral("1"));
    o.env.insert(QStringLiteral("HALLWAY_AUTH_SECRET"), QString::fromLatin1(kAuthSecret));
    return o;
}

// ---- finding controls by accessible name -----------------------------------------------

QString accessibleName(QQuickItem *item)
{
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(item);
    return iface ? iface->text(QAccessible::Name) : QString();
}

QAccessible::Role accessibleRole(QQuickItem *item)
{
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(item);
    return iface ? iface->role() : QAccessible::NoRole;
}

bool effectivelyVisible(const QQuickItem *item)
{
    return item->isVisible() && item->opacity() > 0;
}

void collect(QQuickItem *item, const std::function<bool(QQuickItem *)> &match, QList<QQuickItem *> *out)
{
    if (!item || !effectivelyVisible(item))
        return;
    if (match(item))
        out->append(item);
    const auto children = item->childItems();
    for (QQuickItem *child : children)
        collect(child, match, out);
}

// Every visible item under root whose accessible name satisfies pred, in tree order.
QList<QQuickItem *> findAllByAccessibleName(QQuickItem *root, const std::function<bool(const QString &)> &pred)
{
    QList<QQuickItem *> out;
    collect(root, [&](QQuickItem *item) { return pred(accessibleName(item)); }, &out);
    return out;
}

// The first visible item under root with exactly this accessible name (and this role, unless
// NoRole), or nullptr.
QQuickItem *findByAccessibleName(QQuickItem *root, const QString &name, QAccessible::Role role = QAccessible::NoRole)
{
    const auto all = findAllByAccessibleName(root, [&](const QString &n) { return n == name; });
    for (QQuickItem *item : all) {
        if (role == QAccessible::NoRole || accessibleRole(item) == role)
            return item;
    }
    return nullptr;
}

QQuickItem *findByAccessibleNamePrefix(QQuickItem *root, const QString &prefix)
{
    const auto all = findAllByAccessibleName(root, [&](const QString &n) { return n.startsWith(prefix); });
    return all.isEmpty() ? nullptr : all.constFirst();
}

// The objectName of the innermost visual ancestor of item (or item) among names, or "".
QString enclosing(const QQuickItem *item, const QStringList &names)
{
    for (const QQuickItem *p = item; p; p = p->parentItem()) {
        if (names.contains(p->objectName()))
            return p->objectName();
    }
    return {};
}

// ---- the peer: one hallway-cli process speaking JSON lines ------------------------------

class Peer
{
public:
    Peer(const QUrl &url, const QString &user, const QString &name, const QStringList &joins)
    {
        QStringList args{QStringLiteral("--url"), url.toString(), QStringLiteral("--user"), user,
                         QStringLiteral("--name"), name, QStringLiteral("--ping-timeout"), QStringLiteral("3000")};
        for (const QString &room : joins)
            args << QStringLiteral("--join") << room;
        QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [this] {
            buffer += process.readAllStandardOutput();
            qsizetype nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                events << QJsonDocument::fromJson(buffer.left(nl)).object();
                buffer.remove(0, nl + 1);
            }
        });
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(QStringLiteral(HALLWAY_CLI), args);
    }
    ~Peer()
    {
        if (process.state() != QProcess::NotRunning) {
            process.write("{\"op\":\"quit\"}\n");
            if (!process.waitForFinished(3000)) {
                process.kill();
                process.waitForFinished(3000);
            }
        }
    }
    void send(const QJsonObject &command)
    {
        process.write(QJsonDocument(command).toJson(QJsonDocument::Compact) + '\n');
    }
    QJsonObject find(const QJsonObject &want) const
    {
        for (const QJsonObject &e : events) {
            bool match = true;
            for (auto it = want.begin(); it != want.end() && match; ++it)
                match = e.value(it.key()) == it.value();
            if (match)
                return e;
        }
        return {};
    }
    QJsonObject waitFor(const QJsonObject &want, int timeoutMs = kWaitMs)
    {
        TestUtil::waitUntil([&] { return !find(want).isEmpty(); }, timeoutMs);
        return find(want);
    }

    QProcess process;
    QByteArray buffer;
    QList<QJsonObject> events;
};

QJsonObject ev(const QString &event, const QJsonObject &fields = {})
{
    QJsonObject o = fields;
    o.insert(QStringLiteral("event"), event);
    return o;
}
} // namespace

class tst_Gui : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;
    KeyringSession m_keyring;
    ServerStack m_stack{stackOptions()};
    std::unique_ptr<Hallway::AppSettings> m_settings;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    std::unique_ptr<Peer> m_peer;
    QQuickWindow *m_window = nullptr;

    QQuickItem *root() const { return m_window->contentItem(); }

    // The visible people-panel row of the peer ("Grace Hopper, Online", ...).
    QQuickItem *peerRow() const
    {
        QQuickItem *list = findByAccessibleName(root(), QStringLiteral("People in this room"));
        return list ? findByAccessibleNamePrefix(list, kPeerName + QStringLiteral(", ")) : nullptr;
    }

    // Which part of the window an item belongs to, for the Tab order.
    static QString regionOf(const QQuickItem *item)
    {
        const QString region = enclosing(item, {QStringLiteral("composer"), QStringLiteral("peoplePanel"),
                                                QStringLiteral("roomView"), QStringLiteral("roomSidebar")});
        return region.isEmpty() ? QStringLiteral("other") : region;
    }

    // What the keychain holds for the test server now ("" for nothing).
    QString keychainToken() const
    {
        Hallway::CredentialStore store;
        QSignalSpy loaded(&store, &Hallway::CredentialStore::loaded);
        QSignalSpy failed(&store, &Hallway::CredentialStore::failed);
        store.load(m_stack.url().toString());
        if (!QTest::qWaitFor([&] { return !loaded.isEmpty() || !failed.isEmpty(); }, kWaitMs) || loaded.isEmpty())
            return QStringLiteral("<keychain failed>");
        return loaded.constFirst().at(1).toString();
    }

    // Every file of the app's settings that contains text.
    QStringList settingsFilesContaining(const QString &text) const
    {
        QStringList hits;
        QDirIterator it(m_config.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains(text.toUtf8()))
                hits << f.fileName();
        }
        return hits;
    }

    // Waits for the "Signed in as …" line; stops early when the server refuses the sign-in
    // (an alert naming the refusal). Empty on success, else what went wrong.
    QString waitUntilSignedIn(QQuickItem *root, const QString &signedIn) const
    {
        QString refusal;
        const bool ok = TestUtil::waitUntil([&] {
            if (findByAccessibleName(root, signedIn))
                return true;
            const auto alerts = findAllByAccessibleName(root, [](const QString &n) { return n.contains(QLatin1String("refused")); });
            refusal = alerts.isEmpty() ? QString() : accessibleName(alerts.constFirst());
            return !refusal.isEmpty();
        }, kWaitMs);
        if (ok && refusal.isEmpty())
            return {};
        return QStringLiteral("not signed in as expected (%1): %2\n%3")
            .arg(signedIn, refusal.isEmpty() ? QStringLiteral("timed out") : refusal, m_stack.logs().right(2000));
    }

    static void click(QQuickWindow *window, QQuickItem *item)
    {
        QVERIFY(item);
        const QPointF center = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The app remembers rooms and the account with QSettings: keep them in a fresh place.
        QVERIFY(m_config.isValid());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
        QCoreApplication::setOrganizationName(QStringLiteral("HallwayTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui"));
        QAccessible::setActive(true);
        // A keychain of our own: never the developer's, and the same on CI.
        QVERIFY2(m_keyring.start(), qPrintable(m_keyring.errorString()));
        m_keyring.useInThisProcess();

        QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString()));

        // The same wiring as app/hallway/main.cpp with --url --user --name --join lobby.
        Hallway::Ui::applyDefaultStyle();
        Hallway::Ui::installTranslators(*QCoreApplication::instance());
        m_settings = std::make_unique<Hallway::AppSettings>(nullptr);
        Hallway::AppSettings::Overrides overrides;
        overrides.url = m_stack.url().toString();
        overrides.userId = QStringLiteral("you");
        overrides.displayName = QStringLiteral("You Tester");
        overrides.joins = {kRoom};
        m_settings->applyOverrides(overrides);
        QVERIFY(m_settings->autoConnect());

        m_engine = std::make_unique<QQmlApplicationEngine>();
        m_window = Hallway::Ui::loadMainWindow(*m_engine, *m_settings);
        QVERIFY(m_window);
        m_window->requestActivate();
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        QVERIFY(QTest::qWaitForWindowActive(m_window));

        // Connected and in the room: the header names it, we are listed as "(you)".
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(root(), QStringLiteral("Room lobby")), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleNamePrefix(root(), QStringLiteral("You Tester, (you)")), kWaitMs);
        QVERIFY(!findByAccessibleName(root(), QStringLiteral("Connect"))); // no connect page
        // Who the server says we are (development sign-in here).
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(root(), QStringLiteral("Signed in as You Tester (you)")), kWaitMs);
        QVERIFY(findByAccessibleName(root(), QStringLiteral("Development sign-in.")));
    }

    void cleanup() { m_stack.printLogsIfFailed(); }

    void cleanupTestCase()
    {
        m_peer.reset();
        m_engine.reset(); // before the settings it reads
        m_settings.reset();
        m_stack.stop();
        m_keyring.stop();
    }

    void peerAppearsInPeoplePanel()
    {
        m_peer = std::make_unique<Peer>(m_stack.url(), QStringLiteral("grace"), kPeerName, QStringList{kRoom});
        QVERIFY(!m_peer->waitFor(ev(QStringLiteral("connected"))).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(peerRow(), kWaitMs);
        QCOMPARE(accessibleName(peerRow()), kPeerName + QStringLiteral(", Online"));
        QCOMPARE(accessibleRole(peerRow()), QAccessible::ListItem);
        // Under the Online heading, with a green ("Online") presence dot on the avatar.
        QQuickItem *list = findByAccessibleName(root(), QStringLiteral("People in this room"));
        QVERIFY(findByAccessibleName(list, QStringLiteral("Online"), QAccessible::Heading));
        QVERIFY(findByAccessibleName(peerRow(), QStringLiteral("Online"), QAccessible::Indicator));
        QVERIFY(findByAccessibleName(peerRow(), QStringLiteral("Avatar of ") + kPeerName));
        // The header counts both of us.
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(root(), QStringLiteral("Room lobby, 2 online")), kWaitMs);
    }

    void peerTypingShowsInTypingLine()
    {
        QVERIFY(m_peer);
        const QString expected = kPeerName + QStringLiteral(" is typing…");
        // The typing line of the room view (the sidebar's room row repeats the sentence).
        const auto typingLine = [&]() -> QQuickItem * {
            const auto all = findAllByAccessibleName(root(), [&](const QString &n) { return n == expected; });
            for (QQuickItem *item : all) {
                if (regionOf(item) == QStringLiteral("roomView") && accessibleRole(item) == QAccessible::StaticText)
                    return item;
            }
            return nullptr;
        };
        QVERIFY(!typingLine());
        m_peer->send({{QStringLiteral("op"), QStringLiteral("type")}, {QStringLiteral("room"), kRoom},
                      {QStringLiteral("text"), QStringLiteral("hel")}});
        QTRY_VERIFY_WITH_TIMEOUT(typingLine(), kWaitMs);
        QCOMPARE(typingLine()->property("text").toString(), expected);
        // The peer's row says "typing" too.
        QTRY_VERIFY_WITH_TIMEOUT(accessibleName(peerRow()).contains(QStringLiteral("typing")), kWaitMs);

        // Emptying their composer stops it at once.
        m_peer->send({{QStringLiteral("op"), QStringLiteral("type")}, {QStringLiteral("room"), kRoom},
                      {QStringLiteral("text"), QString()}});
        QTRY_VERIFY_WITH_TIMEOUT(!typingLine(), kWaitMs);
        QVERIFY(!findByAccessibleName(root(), expected)); // nor in the sidebar
        QTRY_COMPARE_WITH_TIMEOUT(accessibleName(peerRow()), kPeerName + QStringLiteral(", Online"), kWaitMs);
    }

    void peerAwayMovesToAwaySection()
    {
        QVERIFY(m_peer);
        m_peer->send({{QStringLiteral("op"), QStringLiteral("status")}, {QStringLiteral("status"), QStringLiteral("away")}});
        QTRY_COMPARE_WITH_TIMEOUT(accessibleName(peerRow()), kPeerName + QStringLiteral(", Away"), kWaitMs);
        QQuickItem *row = peerRow();
        // The presence dot on the avatar says Away.
        QVERIFY(findByAccessibleName(row, QStringLiteral("Away"), QAccessible::Indicator));
        QVERIFY(!findByAccessibleName(row, QStringLiteral("Online"), QAccessible::Indicator));
        // Sections read Online (us), then Away (the peer), and the peer is under Away.
        QQuickItem *list = findByAccessibleName(root(), QStringLiteral("People in this room"));
        QList<QQuickItem *> headings;
        collect(list, [](QQuickItem *i) { return accessibleRole(i) == QAccessible::Heading; }, &headings);
        std::sort(headings.begin(), headings.end(), [](QQuickItem *a, QQuickItem *b) { return a->y() < b->y(); });
        QStringList titles;
        for (QQuickItem *h : std::as_const(headings))
            titles << accessibleName(h);
        QCOMPARE(titles, (QStringList{QStringLiteral("Online"), QStringLiteral("Away")}));
        QVERIFY(row->y() > headings.at(1)->y());
        QQuickItem *self = findByAccessibleNamePrefix(list, QStringLiteral("You Tester, (you)"));
        QVERIFY(self);
        QVERIFY(self->y() > headings.at(0)->y() && self->y() < headings.at(1)->y());
    }

    void peerMessageUsesPeopleColour()
    {
        QVERIFY(m_peer);
        const QString text = QStringLiteral("Grace here <b>not bold</b>");
        m_peer->send({{QStringLiteral("op"), QStringLiteral("send")}, {QStringLiteral("room"), kRoom},
                      {QStringLiteral("text"), text}});
        QQuickItem *messages = findByAccessibleName(root(), QStringLiteral("Messages"));
        QVERIFY(messages);
        const auto message = [&] {
            return findAllByAccessibleName(messages, [&](const QString &n) {
                return n.startsWith(kPeerName + QStringLiteral(" at ")) && n.endsWith(QStringLiteral(": ") + text);
            }).value(0);
        };
        QTRY_VERIFY_WITH_TIMEOUT(message(), kWaitMs);
        QQuickItem *messageAvatar = findByAccessibleName(message(), QStringLiteral("Avatar of ") + kPeerName);
        QQuickItem *peopleAvatar = findByAccessibleName(peerRow(), QStringLiteral("Avatar of ") + kPeerName);
        QVERIFY(messageAvatar && peopleAvatar);
        QCOMPARE(messageAvatar->property("hue").toInt(), peopleAvatar->property("hue").toInt());
        QCOMPARE(messageAvatar->property("initials").toString(), QStringLiteral("GH"));
        QCOMPARE(peopleAvatar->property("initials").toString(), QStringLiteral("GH"));
    }

    void composerMessageReachesPeer()
    {
        QVERIFY(m_peer);
        QQuickItem *composer = findByAccessibleName(root(), QStringLiteral("Message"));
        QVERIFY(composer);
        const QString text = QStringLiteral("hello from the GUI test <i>plain</i>");
        composer->forceActiveFocus();
        QVERIFY(composer->hasActiveFocus());
        QVERIFY(composer->setProperty("text", text));
        QTest::keyClick(m_window, Qt::Key_Return);
        const QJsonObject got = m_peer->waitFor(ev(QStringLiteral("message"), {{QStringLiteral("text"), text}}));
        QVERIFY2(!got.isEmpty(), "the peer never got the message");
        QCOMPARE(got.value(QStringLiteral("from")).toString(), QStringLiteral("you"));
        QCOMPARE(got.value(QStringLiteral("room")).toString(), kRoom);
        QCOMPARE(got.value(QStringLiteral("name")).toString(), QStringLiteral("You Tester"));
        QCOMPARE(composer->property("text").toString(), QString()); // the box is cleared
        QVERIFY(composer->hasActiveFocus());
        // Exactly once for the peer.
        const auto copies = std::count_if(m_peer->events.cbegin(), m_peer->events.cend(), [&](const QJsonObject &e) {
            return e.value(QStringLiteral("event")) == QStringLiteral("message") && e.value(QStringLiteral("text")) == text;
        });
        QCOMPARE(copies, 1);
    }

    // Messages in a room we are not looking at: bold name, a count badge, "@n" in the alert
    // colour when they mention us, the total in the title; opening the room reads it.
    void unreadAndMentionBadges()
    {
        QVERIFY(m_peer);
        const QString design = QStringLiteral("design");
        m_peer->send({{QStringLiteral("op"), QStringLiteral("join")}, {QStringLiteral("room"), design}});
        QVERIFY(!m_peer->waitFor(ev(QStringLiteral("reply"), {{QStringLiteral("op"), QStringLiteral("join")},
                                                             {QStringLiteral("room"), design}})).isEmpty());
        QMetaObject::invokeMethod(m_window, "joinRoom", Q_ARG(QVariant, design));
        QMetaObject::invokeMethod(m_window, "selectRoom", Q_ARG(QVariant, kRoom));
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(root(), QStringLiteral("Room lobby")), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(root(), QStringLiteral("Room design, 2 online")), kWaitMs);

        for (const QString &text : {QStringLiteral("mockups are up"), QStringLiteral("You Tester, can you look?")})
            m_peer->send({{QStringLiteral("op"), QStringLiteral("send")}, {QStringLiteral("room"), design},
                          {QStringLiteral("text"), text}});
        const QString row = QStringLiteral("Room design, 2 online, 2 unread, 1 mentioning you");
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(root(), row), kWaitMs);
        QQuickItem *badge = nullptr;
        QList<QQuickItem *> badges;
        collect(findByAccessibleName(root(), row), [](QQuickItem *i) { return i->objectName() == QLatin1String("unreadBadge"); }, &badges);
        QCOMPARE(badges.size(), 1);
        badge = badges.constFirst();
        QVERIFY(badge->isVisible());
        QCOMPARE(badge->property("text").toString(), QStringLiteral("@1"));
        QVERIFY(badge->property("mention").toBool());
        QVERIFY(m_window->title().startsWith(QStringLiteral("(2) ")));
        QVERIFY(findByAccessibleName(root(), QStringLiteral("Room lobby, 2 online"))); // no badge on the room we read
        const QString shot = QDir::current().filePath(QStringLiteral("tst_gui_unread.png"));
        QVERIFY(m_window->grabWindow().save(shot));
        qInfo() << "screenshot:" << shot;

        // Opening the room reads it.
        QMetaObject::invokeMethod(m_window, "selectRoom", Q_ARG(QVariant, design));
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(root(), QStringLiteral("Room design, 2 online")), kWaitMs);
        QVERIFY(!badge->isVisible());
        QVERIFY(!m_window->title().startsWith(QStringLiteral("(")));

        QMetaObject::invokeMethod(m_window, "leaveRoom", Q_ARG(QVariant, design));
        QMetaObject::invokeMethod(m_window, "selectRoom", Q_ARG(QVariant, kRoom));
        m_peer->send({{QStringLiteral("op"), QStringLiteral("leave")}, {QStringLiteral("room"), design}});
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(root(), QStringLiteral("Room lobby")), kWaitMs);
    }

    void tabOrder()
    {
        QQuickItem *rooms = findByAccessibleName(root(), QStringLiteral("Joined rooms"));
        QVERIFY(rooms);
        rooms->forceActiveFocus(Qt::TabFocusReason);
        QTRY_VERIFY(m_window->activeFocusItem());
        QStringList visited{regionOf(m_window->activeFocusItem())};
        QCOMPARE(visited.constFirst(), QStringLiteral("roomSidebar"));
        for (int i = 0; i < 40 && visited.constLast() != QStringLiteral("peoplePanel"); ++i) {
            QQuickItem *before = m_window->activeFocusItem();
            QTest::keyClick(m_window, Qt::Key_Tab);
            QQuickItem *now = m_window->activeFocusItem();
            QVERIFY2(now && now != before, "Tab must move the focus");
            QVERIFY2(regionOf(now) != QStringLiteral("other"), qPrintable(now->metaObject()->className()));
            const QString region = regionOf(now);
            if (region != visited.constLast())
                visited << region;
        }
        QCOMPARE(visited, (QStringList{QStringLiteral("roomSidebar"), QStringLiteral("roomView"),
                                       QStringLiteral("composer"), QStringLiteral("peoplePanel")}));
        // Tab out of the composer moved on instead of typing a tab character.
        QQuickItem *composer = findByAccessibleName(root(), QStringLiteral("Message"));
        QCOMPARE(composer->property("text").toString(), QString());
        // And Shift+Tab from the people panel goes back into the composer.
        for (int i = 0; i < 10 && regionOf(m_window->activeFocusItem()) == QStringLiteral("peoplePanel"); ++i)
            QTest::keyClick(m_window, Qt::Key_Backtab, Qt::ShiftModifier);
        QCOMPARE(regionOf(m_window->activeFocusItem()), QStringLiteral("composer"));
    }

    void escapeClosesStatusMenu()
    {
        QQuickItem *status = findByAccessibleNamePrefix(root(), QStringLiteral("Your status: "));
        QVERIFY(status);
        QCOMPARE(accessibleRole(status), QAccessible::Button); // Qt 6.4 ignores Accessible.role on Controls
        status->forceActiveFocus(Qt::TabFocusReason);
        QTest::keyClick(m_window, Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(root(), QStringLiteral("Automatic")), kWaitMs); // the menu's items
        QVERIFY(findByAccessibleName(root(), QStringLiteral("Busy")));
        QTest::keyClick(m_window, Qt::Key_Escape);
        QTRY_VERIFY_WITH_TIMEOUT(!findByAccessibleName(root(), QStringLiteral("Automatic")), kWaitMs);
    }

    void escapeClosesRoomSuggestions()
    {
        QQuickItem *join = findByAccessibleName(root(), QStringLiteral("Join a room"));
        QVERIFY(join);
        join->forceActiveFocus(Qt::TabFocusReason); // asks the server for its rooms
        // Typing opens the suggestions once the server's room list is in; until then, retype.
        const bool shown = TestUtil::waitUntil([&] {
            join->setProperty("text", QString());
            for (const char c : {'l', 'o', 'b'})
                QTest::keyClick(m_window, c);
            return findByAccessibleName(root(), QStringLiteral("Room suggestions")) != nullptr;
        }, kWaitMs);
        QVERIFY2(shown, "no room suggestions after typing in the join field");
        QVERIFY(findByAccessibleNamePrefix(root(), QStringLiteral("Join lobby, ")));
        QTest::keyClick(m_window, Qt::Key_Escape);
        QTRY_VERIFY_WITH_TIMEOUT(!findByAccessibleName(root(), QStringLiteral("Room suggestions")), kWaitMs);
        QCOMPARE(join->property("text").toString(), QString());
        QVERIFY(join->hasActiveFocus());
    }

    void ctrlWLeavesRoom()
    {
        QVERIFY(m_peer);
        QQuickItem *composer = findByAccessibleName(root(), QStringLiteral("Message"));
        QVERIFY(composer);
        composer->forceActiveFocus(); // works from the composer too: Ctrl+W is not a text key
        QTest::keyClick(m_window, Qt::Key_W, Qt::ControlModifier);
        QVERIFY(!m_peer->waitFor(ev(QStringLiteral("leave"), {{QStringLiteral("userId"), QStringLiteral("you")},
                                                              {QStringLiteral("room"), kRoom}})).isEmpty());
        // No room any more: the empty state, no room header, no people panel.
        const auto joinButton = [&] {
            const auto all = findAllByAccessibleName(root(), [](const QString &n) { return n == QStringLiteral("Join a room"); });
            return std::any_of(all.cbegin(), all.cend(), [](QQuickItem *i) { return accessibleRole(i) == QAccessible::Button; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(joinButton(), kWaitMs);
        QVERIFY(!findByAccessibleName(root(), QStringLiteral("Room lobby")));
        QVERIFY(!findByAccessibleName(root(), QStringLiteral("People in this room")));
        QVERIFY(!m_settings->rooms().contains(kRoom));
        QCOMPARE(m_window->title(), QStringLiteral("Hallway"));
    }

    // Options that cannot work say why on the page instead of hanging: a malformed address
    // (the connect page, with the reason), and an account the real server refuses (HTTP 401
    // for a user id starting with a dot: our check lets it through, the server's does not).
    void badStartupOptionsSayWhy()
    {
        struct Case { QString url; QString user; QString expected; };
        const QList<Case> cases{
            {QStringLiteral("not a url"), QStringLiteral("ada"), QStringLiteral("not a valid server address")},
            {m_stack.url().toString(), QStringLiteral("bad id!"), QStringLiteral("A user ID may only contain")},
            {m_stack.url().toString(), QStringLiteral(".dot"), QStringLiteral("The server refused this account")},
            // The address is remembered in the settings file: no secret may ride along in it.
            {m_stack.url().toString() + QStringLiteral("?token=abc.def.ghi"), QStringLiteral("ada"),
             QStringLiteral("Leave the token out of the server address")},
        };
        for (const Case &c : cases) {
            Hallway::AppSettings settings(nullptr);
            Hallway::AppSettings::Overrides overrides;
            overrides.url = c.url;
            overrides.userId = c.user;
            overrides.displayName = QStringLiteral("Someone");
            settings.applyOverrides(overrides);
            QQmlApplicationEngine engine;
            QQuickWindow *window = Hallway::Ui::loadMainWindow(engine, settings);
            QVERIFY(window);
            QVERIFY(QTest::qWaitForWindowExposed(window));
            QTRY_VERIFY2_WITH_TIMEOUT(findByAccessibleNamePrefix(window->contentItem(), QString()) &&
                                          !findAllByAccessibleName(window->contentItem(), [&](const QString &n) {
                                               return n.contains(c.expected);
                                           }).isEmpty(),
                                      qPrintable(c.expected), kWaitMs);
            window->close();
        }
        Hallway::AppSettings::setInstance(m_settings.get());
    }

    // Paste a token on the connect page, sign in, restart from the keychain, change account.
    void signInWithToken()
    {
        const QString token = mintToken(QStringLiteral("ada"), QStringLiteral("Ada Lovelace"));
        const QString signedIn = QStringLiteral("Signed in as Ada Lovelace (ada)");
        QCOMPARE(keychainToken(), QString());
        {
            Hallway::AppSettings(nullptr).forgetConnection(); // this start shows the connect page
        }
        {
            Hallway::AppSettings settings(nullptr);
            QVERIFY(!settings.autoConnect());
            QQmlApplicationEngine engine;
            QQuickWindow *window = Hallway::Ui::loadMainWindow(engine, settings);
            QVERIFY(window);
            QVERIFY(QTest::qWaitForWindowExposed(window));
            window->requestActivate();
            QVERIFY(QTest::qWaitForWindowActive(window));
            QQuickItem *page = window->contentItem();

            // A first start without a development account offers token sign-in, cursor in the
            // token field (the server address is filled in already).
            QQuickItem *tokenField = findByAccessibleName(page, QStringLiteral("Sign-in token"));
            QVERIFY(tokenField);
            QTRY_VERIFY_WITH_TIMEOUT(tokenField->hasActiveFocus(), kWaitMs);
            // Switching to development sign-in and back moves the cursor to that way's field.
            click(window, findByAccessibleName(page, QStringLiteral("Development sign-in")));
            const auto userIdField = [&] {
                return findByAccessibleName(page, QStringLiteral("User ID"), QAccessible::EditableText);
            };
            QTRY_VERIFY_WITH_TIMEOUT(userIdField(), kWaitMs);
            QVERIFY(userIdField()->hasActiveFocus());
            QVERIFY(!findByAccessibleName(page, QStringLiteral("Sign-in token")));
            click(window, findByAccessibleName(page, QStringLiteral("Sign in with a token")));
            QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(page, QStringLiteral("Sign-in token")) == tokenField, kWaitMs);
            QVERIFY(tokenField->hasActiveFocus());
            QCOMPARE(tokenField->property("echoMode").toInt(), 2); // TextInput.Password: never shown
            QQuickItem *urlField = findByAccessibleName(page, QStringLiteral("Server address"), QAccessible::EditableText);
            QVERIFY(urlField);
            QVERIFY(urlField->setProperty("text", m_stack.url().toString()));
            QVERIFY(tokenField->setProperty("text", token)); // as pasted
            QVERIFY(!findByAccessibleName(page, QStringLiteral("User ID"))); // the dev fields are gone
            click(window, findByAccessibleName(page, QStringLiteral("Sign in")));

            // Who the server says we are, from the token's claims.
            const QString refused = waitUntilSignedIn(page, signedIn);
            QVERIFY2(refused.isEmpty(), qPrintable(refused));
            QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(page, QStringLiteral("Token saved in the system keychain.")), kWaitMs);
            QCOMPARE(keychainToken(), token);
            QCOMPARE(settings.signInMode(), QStringLiteral("token"));
            QCOMPARE(tokenField->property("text").toString(), QString()); // not left in the field
            window->close();
        }
        {
            // The next start signs in from the keychain by itself.
            Hallway::AppSettings settings(nullptr);
            QVERIFY(settings.autoConnect());
            QQmlApplicationEngine engine;
            QQuickWindow *window = Hallway::Ui::loadMainWindow(engine, settings);
            QVERIFY(window);
            QVERIFY(QTest::qWaitForWindowExposed(window));
            QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(window->contentItem(), signedIn), kWaitMs);
            QVERIFY(findByAccessibleName(window->contentItem(), QStringLiteral("Token from the system keychain.")));

            // "Change account" signs out: the connect page again, the token deleted.
            click(window, findByAccessibleName(window->contentItem(), QStringLiteral("Change account")));
            QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(window->contentItem(), QStringLiteral("Sign-in token")), kWaitMs);
            QTRY_COMPARE_WITH_TIMEOUT(keychainToken(), QString(), kWaitMs);
            window->close();
        }
        QCOMPARE(settingsFilesContaining(token), QStringList());
        Hallway::AppSettings::setInstance(m_settings.get());
    }

    // --token-file: read (as app/hallway does), used for this run, not saved in the keychain.
    void signInWithTokenFile()
    {
        const QString token = mintToken(QStringLiteral("lin"), QStringLiteral("Lin Token-File"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("token"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
            file.write(token.toUtf8() + '\n');
        }
        const Hallway::TokenSource source = Hallway::TokenSource::fromFile(path);
        QVERIFY2(source.ok(), qPrintable(source.error));
        QCOMPARE(source.warning, QString()); // 0600: nothing to warn about
        QCOMPARE(source.token, token);

        Hallway::AppSettings settings(nullptr);
        Hallway::AppSettings::Overrides overrides;
        overrides.url = m_stack.url().toString();
        overrides.token = source.token;
        settings.applyOverrides(overrides);
        QVERIFY(settings.autoConnect());
        QQmlApplicationEngine engine;
        QQuickWindow *window = Hallway::Ui::loadMainWindow(engine, settings);
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        const QString refused = waitUntilSignedIn(window->contentItem(), QStringLiteral("Signed in as Lin Token-File (lin)"));
        QVERIFY2(refused.isEmpty(), qPrintable(refused));
        QVERIFY(findByAccessibleName(window->contentItem(), QStringLiteral("Token from the command line; not saved.")));
        QCOMPARE(keychainToken(), QString());
        window->close();
        QCOMPARE(settingsFilesContaining(token), QStringList());
        Hallway::AppSettings::setInstance(m_settings.get());
    }

    // Last (it stops the keyring): with no keychain service a typed token still signs in, for
    // this session only, and the window says it was not saved.
    void typedTokenWithoutKeychain()
    {
        QVERIFY(m_keyring.stopKeyring());
        const QString token = mintToken(QStringLiteral("nell"), QStringLiteral("Nell Nokeychain"));
        {
            Hallway::AppSettings(nullptr).forgetConnection();
        }
        Hallway::AppSettings settings(nullptr);
        QVERIFY(!settings.autoConnect());
        QQmlApplicationEngine engine;
        QQuickWindow *window = Hallway::Ui::loadMainWindow(engine, settings);
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QQuickItem *page = window->contentItem();
        QQuickItem *tokenField = findByAccessibleName(page, QStringLiteral("Sign-in token"));
        QVERIFY(tokenField);
        QQuickItem *urlField = findByAccessibleName(page, QStringLiteral("Server address"), QAccessible::EditableText);
        QVERIFY(urlField && urlField->setProperty("text", m_stack.url().toString()));
        QVERIFY(tokenField->setProperty("text", token));
        click(window, findByAccessibleName(page, QStringLiteral("Sign in")));
        const QString refused = waitUntilSignedIn(page, QStringLiteral("Signed in as Nell Nokeychain (nell)"));
        QVERIFY2(refused.isEmpty(), qPrintable(refused));
        QTRY_VERIFY_WITH_TIMEOUT(findByAccessibleName(page, QStringLiteral(
            "Token not saved: No keychain service (Secret Service or KWallet) is available. "
            "It is used for this session only.")), kWaitMs);
        window->close();
        QCOMPARE(settingsFilesContaining(token), QStringList());
        Hallway::AppSettings::setInstance(m_settings.get());
    }
};

QTEST_MAIN(tst_Gui)
#include "tst_gui.moc"
