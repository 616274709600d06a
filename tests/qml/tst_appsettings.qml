import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// AppSettings: validation of the sign-in form and the connect URL it builds.
Item {
    id: root
    width: 800
    height: 600


    TestCase {
        name: "AppSettings"
        when: windowShown

        function test_validate() {
            compare(AppSettings.validate("ws://127.0.0.1:8765/", "ada", "Ada"), "");
            verify(AppSettings.validate("", "ada", "Ada") !== "");
            verify(AppSettings.validate("http://example.org/", "ada", "Ada") !== "");
            verify(AppSettings.validate("ws://", "ada", "Ada") !== "");
            verify(AppSettings.validate("ws://127.0.0.1:8765/", "", "Ada") !== "");
            verify(AppSettings.validate("ws://127.0.0.1:8765/", "a b", "Ada") !== "");
            compare(AppSettings.defaultServerUrl, "ws://127.0.0.1:8765/");
        }

        function test_connectUrlCarriesUserAndName() {
            AppSettings.serverUrl = "ws://127.0.0.1:8765/?user=old&x=1";
            AppSettings.userId = "ada";
            AppSettings.displayName = "Ada L+ & <b>";
            compare(AppSettings.connectUrl().toString(),
                    "ws://127.0.0.1:8765/?x=1&user=ada&name=Ada L%2B %26 %3Cb%3E",
                    "spaces show decoded; + & and < stay encoded");
        }
    }
}
