// SPDX-License-Identifier: MIT
import QtQuick

// One sensor tile: its name and its newest reading on a panel coloured by it. The feed sets name,
// value and hasValue; the harness reads value back after each frame to see what the frame showed.
//
// Drawn for the software renderer: every part is opaque, the tiles touch (borders in the
// window's colour draw the gaps, and the line between name and reading) and the reading's panel
// spans the whole tile, so a row of changed tiles is one dirty rectangle and the name is not
// repainted when the reading changes. With gaps between tiles every changed text stays a
// rectangle of its own, and the renderer's region arithmetic, quadratic in their number, took
// about a third of the GUI thread.
Rectangle {
    id: tile

    required property int index
    property string name
    property real value
    property bool hasValue

    objectName: "benchTile"
    width: 79
    height: 56
    color: "#1c2430"
    border.color: "#11161d"
    border.width: 2

    Text {
        x: 7
        y: 4
        width: tile.width - 14
        text: tile.name.slice(6).replace("line", "L")
        color: "#8b9bb0"
        font.pixelSize: 9
        elide: Text.ElideLeft
        textFormat: Text.PlainText
    }
    // The reading's panel warms with it (0 to 100), as a heat map would.
    Rectangle {
        readonly property real level: Math.max(0, Math.min(1, tile.value / 100))

        y: 16
        width: tile.width
        height: tile.height - 16
        color: Qt.rgba(0.08 + 0.34 * level, 0.16 - 0.04 * level, 0.26 - 0.16 * level, 1)
        border.color: "#11161d"
        border.width: 2
        Text {
            x: 7
            y: 9
            text: tile.hasValue ? tile.value.toFixed(1) : "–"
            color: "#e8eef6"
            font.pixelSize: 15
            font.bold: true
            textFormat: Text.PlainText
        }
    }
}
