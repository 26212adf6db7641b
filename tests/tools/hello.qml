// SPDX-License-Identifier: MIT
// Run by Qt's `qml` tool against the module: publish, read back through an element, quit.
import QtQuick
import DropSlot

Item {
    DropSlotTopic {
        id: reader
        name: "tools/hello"
        onValueChanged: {
            console.log("dropslot says " + value)
            Qt.quit()
        }
    }
    Component.onCompleted: reader.publish(42)
}
