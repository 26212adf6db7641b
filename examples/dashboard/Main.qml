// SPDX-License-Identifier: MIT
import QtQuick
import DropSlot
import Dashboard

// A live dashboard: one tile per plant sensor, listed by a DropSlotTopicModel, each bound to
// its topic by a DropSlotTopic. However fast the sensors publish, each tile changes at most
// once per frame.
Window {
    id: window

    required property DropSlotBus sensorBus
    required property DashboardStats stats

    width: 1280
    height: 840
    visible: true
    color: "#11161d"
    title: "DropSlot dashboard"

    DropSlotTopicModel {
        id: sensors
        bus: window.sensorBus
        filter: "plant/*"
    }

    Row {
        id: header
        x: 12
        height: 44
        spacing: 28
        Text {
            anchors.verticalCenter: parent.verticalCenter
            text: "DropSlot live dashboard — " + sensors.count + " sensors"
            color: "#e8eef6"
            font.pixelSize: 17
            font.bold: true
        }
        Repeater {
            model: [
                ["publishes/s", window.stats.publishesPerSecond],
                ["deliveries/s", window.stats.deliveriesPerSecond],
                ["frames/s", window.stats.framesPerSecond],
            ]
            delegate: Text {
                required property var modelData
                anchors.verticalCenter: parent.verticalCenter
                text: modelData[0] + ": " + Math.round(modelData[1]).toLocaleString(Qt.locale("en_US"), "f", 0)
                color: "#9fb3c8"
                font.pixelSize: 14
            }
        }
    }

    Grid {
        x: 8
        y: header.height
        columns: 16
        spacing: 4
        Repeater {
            model: sensors
            delegate: Tile {
                width: 75
                height: 52
                sensorBus: window.sensorBus
            }
        }
    }
}
