"""The sign-in form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from web.form_parts import EMAIL


class SignInForm(FlaskForm):
    """An instructor's e-mail and password."""

    email = StringField("E-mail", validators=[DataRequired("Enter your e-mail."), EMAIL])
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=200)]
    )
