<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Avatar</name>
    <message>
        <source>Avatar of %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <source>You&apos;re not in a room yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a room name in “Join a room…” to see who&apos;s around.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join a room</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message #%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectPage</name>
    <message>
        <source>Welcome to Hallway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>See who&apos;s around, who&apos;s typing and who stepped away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How others see you, e.g. Ada Lovelace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. ada</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your devices share one user ID, so people see you once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <source>The server refused this account: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused this account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>Reconnecting in %n s</numerusform>
            <numerusform>Reconnecting in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are offline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change account…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Hallway::AppSettings</name>
    <message>
        <source>Enter the server address, for example %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a valid server address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server address must start with ws:// or wss://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a user ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A user ID may only contain letters, digits, dots, dashes, underscores and @.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The display name is too long (80 characters at most).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Hallway::UiHelpers</name>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Away</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Typing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>#%1 — Hallway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hallway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused this account: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not connect: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Can&apos;t reach the server yet. Retrying in %n s…</source>
        <translation>
            <numerusform>Can&apos;t reach the server yet. Retrying in %n s…</numerusform>
            <numerusform>Can&apos;t reach the server yet. Retrying in %n s…</numerusform>
        </translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>%1 at %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry sending</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageList</name>
    <message>
        <source>No messages yet. Say hello!</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PeoplePanel</name>
    <message>
        <source>People</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find people</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People in this room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody matches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody here yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PersonDelegate</name>
    <message>
        <source>(you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>typing</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n device(s)</source>
        <translation>
            <numerusform>%n device</numerusform>
            <numerusform>%n devices</numerusform>
        </translation>
    </message>
    <message>
        <source>typing…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PresenceDot</name>
    <message>
        <source>Away</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RoomSidebar</name>
    <message>
        <source>Hallway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ROOMS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joined rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Room %1, %n online</source>
        <translation>
            <numerusform>Room %1, %n online</numerusform>
            <numerusform>Room %1, %n online</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n online</source>
        <translation>
            <numerusform>%n online</numerusform>
            <numerusform>%n online</numerusform>
        </translation>
    </message>
    <message>
        <source>Leave %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave room (Ctrl+W)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No rooms yet. Join one below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join a room…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room suggestions</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Join %1, %n online</source>
        <translation>
            <numerusform>Join %1, %n online</numerusform>
            <numerusform>Join %1, %n online</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RoomView</name>
    <message>
        <source>Room %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n online</source>
        <translation>
            <numerusform>%n online</numerusform>
            <numerusform>%n online</numerusform>
        </translation>
    </message>
    <message>
        <source>Hide joins and leaves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show joins and leaves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide people</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show people</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joins &amp; leaves</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusMenu</name>
    <message>
        <source>%1 (automatic)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your status: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TypingMark</name>
    <message>
        <source>Typing</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Hallway: live presence chat for @prsm/realtime servers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server WebSocket address (default %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User ID to connect as.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join ROOM once connected (repeatable).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Render the window, save it as a PNG to FILE and quit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait MS milliseconds before the screenshot (default 1500).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
