// SPDX-License-Identifier: MIT
// Reads the value C++ published before the engine started and answers on another topic.
import QtQml
import DropSlot

QtObject {
    id: root

    property DropSlotTopic question: DropSlotTopic {
        name: "qmlapp/question"
        onHasValueChanged: {
            if (hasValue) {
                root.reply.publish(value + 1);
                Qt.quit();
            }
        }
    }
    property DropSlotTopic reply: DropSlotTopic { name: "qmlapp/reply" }
}
