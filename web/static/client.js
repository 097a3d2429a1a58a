// A client's pages: focusing the calendar address selects all of it, ready to copy.
document.querySelectorAll("input[data-select-all]").forEach(function (input) {
  input.addEventListener("focus", function () { input.setSelectionRange(0, input.value.length); });
});
