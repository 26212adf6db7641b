// SPDX-License-Identifier: MIT
// Runs one tst_*.qml file (given with -input); see CMakeLists.txt.
#include <QtQuickTest/quicktest.h>

QUICK_TEST_MAIN(dropslot)
