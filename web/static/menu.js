// The owner's menu on a phone: its button shows and hides the links, Escape closes it.
// Loaded in the page's head, so the menu starts closed; without this script every link shows.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".menu-button").forEach(function (button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    function show(open) {
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  });
});
