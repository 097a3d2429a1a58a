"""The app's forms, each field with its own validation and error words."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an e-mail address.")


class SignInForm(FlaskForm):
    """An instructor's e-mail and password."""

    email = StringField("E-mail", validators=[DataRequired("Enter your e-mail."), EMAIL])
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=200)]
    )
